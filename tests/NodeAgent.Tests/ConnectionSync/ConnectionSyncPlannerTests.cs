using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.ConnectionSync;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.ConnectionSync;

/// <summary>keepalived's sync daemon rules, transition by transition, against the daemons the kernel runs.</summary>
public sealed class ConnectionSyncPlannerTests
{
    private static readonly ConnectionSyncSettings Settings = new("eth1", 7, null);
    private static readonly IpvsSyncDaemon Master = new(IpvsSyncRole.Master, "eth1", 7);
    private static readonly IpvsSyncDaemon Backup = new(IpvsSyncRole.Backup, "eth1", 7);

    private static IReadOnlyList<IpvsCommand> Transition(VrrpState to, params IpvsSyncDaemon[] running) =>
        ConnectionSyncPlanner.Plan(ConnectionSyncPlanner.Wanted(Settings, to), running);

    [Fact]
    public void Starting_runs_the_backup_daemon() =>
        Assert.Equal([new IpvsCommand.StartDaemon(Backup)], Transition(VrrpState.Backup));

    [Fact]
    public void Becoming_master_stops_the_backup_daemon_then_starts_the_master_one() =>
        Assert.Equal([new IpvsCommand.StopDaemon(IpvsSyncRole.Backup, 7), new IpvsCommand.StartDaemon(Master)], Transition(VrrpState.Master, Backup));

    [Fact]
    public void Leaving_master_for_backup_or_fault_goes_back_to_the_backup_daemon()
    {
        IpvsCommand[] expected = [new IpvsCommand.StopDaemon(IpvsSyncRole.Master, 7), new IpvsCommand.StartDaemon(Backup)];
        Assert.Equal(expected, Transition(VrrpState.Backup, Master));
        Assert.Equal(expected, Transition(VrrpState.Fault, Master));
    }

    [Fact]
    public void Fault_from_backup_keeps_the_backup_daemon() => Assert.Empty(Transition(VrrpState.Fault, Backup));

    [Fact]
    public void Stopping_the_instance_stops_whatever_runs()
    {
        Assert.Equal([new IpvsCommand.StopDaemon(IpvsSyncRole.Master, 7)], Transition(VrrpState.Initialize, Master));
        Assert.Empty(Transition(VrrpState.Initialize));
    }

    [Fact]
    public void A_daemon_left_with_other_settings_is_replaced_and_the_kernel_length_does_not_count()
    {
        var stale = new IpvsSyncDaemon(IpvsSyncRole.Backup, "eth0", 7, 1472);
        Assert.Equal([new IpvsCommand.StopDaemon(IpvsSyncRole.Backup, 7), new IpvsCommand.StartDaemon(Backup)], Transition(VrrpState.Backup, stale));
        Assert.Empty(Transition(VrrpState.Backup, Backup with { MaxPacketLength = 1472 }));
    }

    [Fact]
    public void Any_state_sequence_leaves_exactly_the_daemon_of_the_last_state()
    {
        // Property over every sequence of up to four states: applying each plan to a simulated kernel ends with the
        // last state's daemon alone, and no plan starts a role that still runs (the kernel would refuse it).
        VrrpState[] states = [VrrpState.Initialize, VrrpState.Backup, VrrpState.Master, VrrpState.Fault];
        foreach (var sequence in Sequences(states, 4))
        {
            var kernel = new List<IpvsSyncDaemon>();
            foreach (var state in sequence)
            {
                foreach (var command in Transition(state, [.. kernel]))
                {
                    switch (command)
                    {
                        case IpvsCommand.StopDaemon stop:
                            Assert.Equal(1, kernel.RemoveAll(d => d.Role == stop.Role));
                            break;
                        case IpvsCommand.StartDaemon start:
                            Assert.DoesNotContain(kernel, d => d.Role == start.Daemon.Role);
                            kernel.Add(start.Daemon);
                            break;
                    }
                }
                Assert.Equal(ConnectionSyncPlanner.Wanted(Settings, state) is { } wanted ? [wanted] : [], kernel);
            }
        }
    }

    private static IEnumerable<VrrpState[]> Sequences(VrrpState[] states, int length) =>
        length == 0 ? [[]] : Sequences(states, length - 1).SelectMany(prefix => states.Select(s => (VrrpState[])[.. prefix, s])).Prepend([]);
}
