using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.ConnectionSync;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Tests.Hosting;
using KeepOperator.NodeAgent.Tests.LoadBalancing;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.ConnectionSync;

/// <summary>The controller against a fake kernel: a VirtualIp's connectionSync, bound as the agent binds it, drives the daemons.</summary>
public sealed class ConnectionSyncControllerTests
{
    private readonly FakeIpvsKernel _kernel = new();
    private readonly CapturedLog _log = new();

    private static VrrpInstanceSettings Synced(string name, int vrid) =>
        TestInstances.Settings(name, vrid, vip: $"10.99.0.{200 + vrid}", change: s => s.ConnectionSync = new() { Interface = "eth1", SyncId = 5 });

    [Fact]
    public void The_daemons_follow_the_instance_from_start_to_stop()
    {
        var controller = new ConnectionSyncController(_kernel, 0x25, _log.Log);
        var web = Synced("web", 1);
        var master = new IpvsSyncDaemon(IpvsSyncRole.Master, "eth1", 5);
        var backup = new IpvsSyncDaemon(IpvsSyncRole.Backup, "eth1", 5);

        controller.OnTransition(web, VrrpState.Backup);
        Assert.Equal([backup], _kernel.Daemons);
        controller.OnTransition(web, VrrpState.Master);
        Assert.Equal([master], _kernel.Daemons);
        controller.OnTransition(web, VrrpState.Fault);
        Assert.Equal([backup], _kernel.Daemons);
        controller.OnTransition(web, VrrpState.Initialize);
        Assert.Empty(_kernel.Daemons);
        Assert.Contains(_log.Lines, l => l.Contains("command=\"ipvsadm --start-daemon master --mcast-interface eth1 --syncid 5\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Daemons_an_earlier_run_left_are_taken_over()
    {
        _kernel.Daemons.Add(new IpvsSyncDaemon(IpvsSyncRole.Master, "eth0", 9, 1472));
        new ConnectionSyncController(_kernel, 0x25, _log.Log).OnTransition(Synced("web", 1), VrrpState.Backup);
        Assert.Equal([new IpvsSyncDaemon(IpvsSyncRole.Backup, "eth1", 5)], _kernel.Daemons);
    }

    [Fact]
    public void A_second_instance_asking_for_sync_is_refused_until_the_first_stops()
    {
        var controller = new ConnectionSyncController(_kernel, 0x25, _log.Log);
        controller.OnTransition(Synced("web", 1), VrrpState.Master);
        controller.OnTransition(Synced("api", 2), VrrpState.Backup);
        Assert.Equal([IpvsSyncRole.Master], _kernel.Daemons.Select(d => d.Role));
        Assert.Contains(_log.Lines, l => l.Contains("event=connection-sync-refused", StringComparison.Ordinal) && l.Contains("instance=api", StringComparison.Ordinal));

        controller.OnTransition(Synced("web", 1), VrrpState.Initialize);
        controller.OnTransition(Synced("api", 2), VrrpState.Master);
        Assert.Equal([IpvsSyncRole.Master], _kernel.Daemons.Select(d => d.Role));
    }

    [Fact]
    public void Without_the_ipvs_dataplane_it_says_so_once_and_touches_nothing()
    {
        var controller = new ConnectionSyncController(null, 0, _log.Log);
        controller.OnTransition(Synced("web", 1), VrrpState.Backup);
        controller.OnTransition(Synced("web", 1), VrrpState.Master);
        var refusals = _log.Lines.Where(l => l.Contains("event=connection-sync-refused", StringComparison.Ordinal)).ToList();
        Assert.Single(refusals);
        Assert.Contains("IPVS dataplane", refusals[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_instance_without_connection_sync_is_ignored()
    {
        new ConnectionSyncController(_kernel, 0x25, _log.Log).OnTransition(TestInstances.Settings("web", 1), VrrpState.Master);
        Assert.Empty(_kernel.Daemons);
        Assert.Empty(_log.Lines);
    }
}
