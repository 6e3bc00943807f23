using System.Net.NetworkInformation;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>
/// FAULT from the link, weight-0 checks, weight-0 tracked interfaces and the sync group: several causes, and one
/// recovering must not clear another. Tracked interface weights move the priority on top of the checks' verdict.
/// </summary>
public sealed class VrrpInstanceRunnerFaultTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private readonly CapturedLog _log = new();
    private readonly FakeHost _host;

    public VrrpInstanceRunnerFaultTests() => _host = new FakeHost(_log);

    private VrrpInstanceRunner Runner(bool linkUp = true, int? eth1Weight = null, bool eth1Up = true)
    {
        var settings = TestInstances.Settings("web", 51, change: spec =>
            spec.TrackInterfaces = eth1Weight is { } weight ? [new TrackInterface { Name = "eth1", Weight = weight }] : null);
        var link = new NetworkLink(settings.InterfaceIndex, settings.InterfaceName, PhysicalAddress.None, linkUp);
        return new VrrpInstanceRunner(settings, link, _host.OpenTransport(settings), _host, _host, _log.Log, isLinkUp: name => name == "eth1" && eth1Up);
    }

    /// <summary>The instance's own interface (eth0, index 2 in <see cref="TestInstances.Host"/>).</summary>
    private static NetworkLink Link(bool up) => new(2, "eth0", PhysicalAddress.None, up);

    private static NetworkLink Eth1(bool up) => new(3, "eth1", PhysicalAddress.None, up);

    private VrrpInstanceRunner Master(VrrpInstanceRunner runner)
    {
        runner.Start(T0);
        runner.Tick(T0.AddSeconds(1));
        Assert.Equal(VrrpState.Master, runner.State);
        return runner;
    }

    [Fact]
    public void A_stale_vip_of_a_killed_master_is_removed_and_resigned_for_with_one_priority_0_advert()
    {
        var runner = Runner();
        var transport = _host.Opened.Single();
        runner.RemoveStaleAddresses([.. TestInstances.Host]);
        Assert.Empty(transport.Sent); // nothing left behind: nothing to resign

        runner.RemoveStaleAddresses([.. TestInstances.Host, new(2, "eth0", System.Net.IPAddress.Parse("10.99.0.250"), 32)]);
        Assert.Equal([((byte)51, (byte)0)], transport.Sent);
        Assert.Contains(_log.Lines, l => l.Contains("event=stale-master-resigned instance=web", StringComparison.Ordinal));
        Assert.Equal(VrrpState.Initialize, runner.State);
    }

    [Fact]
    public void A_tracked_interface_with_a_negative_weight_lowers_the_priority_while_down_on_top_of_the_checks()
    {
        var runner = Master(Runner(eth1Weight: -30));
        runner.ApplyTracking(90, fault: false, T0.AddSeconds(2));
        Assert.Equal(90, runner.Snapshot.EffectivePriority);

        runner.ApplyLink(Eth1(up: false), T0.AddSeconds(3));
        Assert.Equal((VrrpState.Master, 60), (runner.State, runner.Snapshot.EffectivePriority));
        runner.ApplyTracking(100, fault: false, T0.AddSeconds(4));
        Assert.Equal(70, runner.Snapshot.EffectivePriority);

        runner.ApplyLink(Eth1(up: true), T0.AddSeconds(5));
        Assert.Equal(100, runner.Snapshot.EffectivePriority);
    }

    [Fact]
    public void A_tracked_interface_with_a_positive_weight_raises_the_priority_while_up_from_the_start()
    {
        var runner = Runner(eth1Weight: 25);
        runner.Start(T0);
        Assert.Equal(125, runner.Snapshot.EffectivePriority);
        runner.ApplyLink(Eth1(up: false), T0.AddSeconds(1));
        Assert.Equal(100, runner.Snapshot.EffectivePriority);
    }

    [Fact]
    public void A_tracked_interface_with_weight_0_down_is_fault_and_its_return_recovers()
    {
        var runner = Master(Runner(eth1Weight: 0));
        runner.ApplyLink(Eth1(up: false), T0.AddSeconds(2));
        Assert.Equal((VrrpState.Fault, VrrpTransitionReason.TrackInterfaceDown), (runner.State, runner.Snapshot.Message));
        Assert.True(runner.OwnFault);
        Assert.False(_host.Holds("10.99.0.250"));

        runner.ApplyLink(Eth1(up: false), T0.AddSeconds(3)); // repeated by the kernel: nothing new
        runner.ApplyLink(Eth1(up: true), T0.AddSeconds(4));
        Assert.Equal((VrrpState.Backup, VrrpTransitionReason.TrackInterfaceUp), (runner.State, runner.Snapshot.Message));
    }

    [Fact]
    public void Started_with_a_weight_0_tracked_interface_down_it_is_in_fault()
    {
        var runner = Runner(eth1Weight: 0, eth1Up: false);
        runner.Start(T0);
        Assert.Equal((VrrpState.Fault, VrrpTransitionReason.StartupInterfaceDown), (runner.State, runner.Snapshot.Message));
        runner.ApplyLink(Eth1(up: true), T0.AddSeconds(1));
        Assert.Equal(VrrpState.Backup, runner.State);
    }

    [Fact]
    public void Links_it_does_not_track_change_nothing()
    {
        var runner = Master(Runner(eth1Weight: 0));
        runner.ApplyLink(new NetworkLink(7, "eth7", PhysicalAddress.None, false), T0.AddSeconds(2));
        Assert.Equal((VrrpState.Master, 100), (runner.State, runner.Snapshot.EffectivePriority));
    }

    [Fact]
    public void A_sync_group_hold_is_fault_and_is_not_cleared_by_its_own_causes_recovering()
    {
        var runner = Master(Runner(eth1Weight: 0));
        runner.HoldForSyncGroup("db", T0.AddSeconds(2));
        Assert.Equal((VrrpState.Fault, VrrpTransitionReason.SyncGroupFault), (runner.State, runner.Snapshot.Message));
        Assert.False(runner.OwnFault);
        Assert.False(_host.Holds("10.99.0.250"));

        runner.ApplyLink(Eth1(up: false), T0.AddSeconds(3));
        runner.ApplyLink(Eth1(up: true), T0.AddSeconds(4));
        Assert.Equal(VrrpState.Fault, runner.State); // still held

        runner.HoldForSyncGroup(null, T0.AddSeconds(5));
        Assert.Equal((VrrpState.Backup, VrrpTransitionReason.SyncGroupRecovered), (runner.State, runner.Snapshot.Message));
    }

    [Fact]
    public void Started_on_a_down_link_it_is_in_fault_until_the_link_comes_up()
    {
        var runner = Runner(linkUp: false);
        runner.Start(T0);
        Assert.Equal((VrrpState.Fault, VrrpTransitionReason.StartupInterfaceDown), (runner.State, runner.Snapshot.Message));

        runner.ApplyLink(Link(true), T0.AddSeconds(1));
        Assert.Equal((VrrpState.Backup, VrrpTransitionReason.InterfaceUp), (runner.State, runner.Snapshot.Message));
    }

    [Fact]
    public void Link_and_track_faults_overlap_and_the_instance_recovers_only_when_both_have()
    {
        var runner = Runner();
        runner.Start(T0);
        runner.Tick(T0.AddSeconds(1));
        Assert.Equal(VrrpState.Master, runner.State);

        runner.ApplyLink(Link(false), T0.AddSeconds(2));
        Assert.Equal((VrrpState.Fault, VrrpTransitionReason.InterfaceDown), (runner.State, runner.Snapshot.Message));
        runner.ApplyTracking(100, fault: true, T0.AddSeconds(3));
        runner.ApplyLink(Link(true), T0.AddSeconds(4));
        Assert.Equal(VrrpState.Fault, runner.State); // the check still fails

        runner.ApplyLink(Link(false), T0.AddSeconds(5));
        runner.ApplyTracking(100, fault: false, T0.AddSeconds(6));
        Assert.Equal(VrrpState.Fault, runner.State); // the link is still down

        runner.ApplyLink(Link(true), T0.AddSeconds(7));
        Assert.Equal((VrrpState.Backup, VrrpTransitionReason.InterfaceUp), (runner.State, runner.Snapshot.Message));
    }
}
