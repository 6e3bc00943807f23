using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.ConnectionSync;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Tests.Health;
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
        var controller = new ConnectionSyncController(_kernel, 0x25, _log.Log, TimeProvider.System);
        var web = Synced("web", 1);
        var master = new IpvsSyncDaemon(IpvsSyncRole.Master, "eth1", 5);
        var backup = new IpvsSyncDaemon(IpvsSyncRole.Backup, "eth1", 5);

        controller.OnTransition(web, VrrpState.Backup);
        Assert.Empty(_kernel.Daemons); // the loop only records it
        Assert.True(controller.TryApply());
        Assert.Equal([backup], _kernel.Daemons);
        controller.OnTransition(web, VrrpState.Master);
        Assert.True(controller.TryApply());
        Assert.Equal([master], _kernel.Daemons);
        controller.OnTransition(web, VrrpState.Fault);
        Assert.True(controller.TryApply());
        Assert.Equal([backup], _kernel.Daemons);
        controller.OnTransition(web, VrrpState.Initialize);
        Assert.True(controller.TryApply());
        Assert.Empty(_kernel.Daemons);
        Assert.Contains(_log.Lines, l => l.Contains("command=\"ipvsadm --start-daemon master --mcast-interface eth1 --syncid 5\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Daemons_an_earlier_run_left_are_taken_over()
    {
        _kernel.Daemons.Add(new IpvsSyncDaemon(IpvsSyncRole.Master, "eth0", 9, 1472));
        var controller = new ConnectionSyncController(_kernel, 0x25, _log.Log, TimeProvider.System);
        controller.OnTransition(Synced("web", 1), VrrpState.Backup);
        controller.TryApply();
        Assert.Equal([new IpvsSyncDaemon(IpvsSyncRole.Backup, "eth1", 5)], _kernel.Daemons);
    }

    [Fact]
    public void A_second_instance_asking_for_sync_is_refused_until_the_first_stops()
    {
        var controller = new ConnectionSyncController(_kernel, 0x25, _log.Log, TimeProvider.System);
        controller.OnTransition(Synced("web", 1), VrrpState.Master);
        controller.OnTransition(Synced("api", 2), VrrpState.Backup);
        controller.TryApply();
        Assert.Equal([IpvsSyncRole.Master], _kernel.Daemons.Select(d => d.Role));
        Assert.Contains(_log.Lines, l => l.Contains("event=connection-sync-refused", StringComparison.Ordinal) && l.Contains("instance=api", StringComparison.Ordinal));

        controller.OnTransition(Synced("web", 1), VrrpState.Initialize);
        controller.OnTransition(Synced("api", 2), VrrpState.Master);
        controller.TryApply();
        Assert.Equal([IpvsSyncRole.Master], _kernel.Daemons.Select(d => d.Role));
    }

    [Fact]
    public void Without_the_ipvs_dataplane_it_says_so_once_and_touches_nothing()
    {
        var controller = new ConnectionSyncController(null, 0, _log.Log, TimeProvider.System);
        controller.OnTransition(Synced("web", 1), VrrpState.Backup);
        controller.OnTransition(Synced("web", 1), VrrpState.Master);
        var refusals = _log.Lines.Where(l => l.Contains("event=connection-sync-refused", StringComparison.Ordinal)).ToList();
        Assert.Single(refusals);
        Assert.Contains("IPVS dataplane", refusals[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_instance_without_connection_sync_is_ignored()
    {
        var controller = new ConnectionSyncController(_kernel, 0x25, _log.Log, TimeProvider.System);
        controller.OnTransition(TestInstances.Settings("web", 1), VrrpState.Master);
        Assert.True(controller.TryApply());
        Assert.Empty(_kernel.Daemons);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task A_failed_swap_is_retried_until_the_kernel_matches_and_the_last_wish_is_applied_at_shutdown()
    {
        var time = new ManualTimeProvider();
        var controller = new ConnectionSyncController(_kernel, 0x25, _log.Log, time);
        using var stop = new CancellationTokenSource();
        _kernel.FailNextChange = 105; // ENOBUFS
        controller.OnTransition(Synced("web", 1), VrrpState.Backup);
        var running = controller.RunAsync(stop.Token);

        await Until(() => _log.Lines.Any(l => l.Contains("event=connection-sync-failed", StringComparison.Ordinal)), "the failed start logged");
        Assert.Empty(_kernel.Daemons);
        time.Advance(TimeSpan.FromMilliseconds(900));
        await Task.Delay(50);
        Assert.Empty(_kernel.Daemons); // not before the retry is due
        time.Advance(TimeSpan.FromMilliseconds(200));
        await Until(() => _kernel.Daemons.Count == 1, "the retry to start the backup daemon");

        // A transition wakes it at once.
        controller.OnTransition(Synced("web", 1), VrrpState.Master);
        await Until(() => _kernel.Daemons is [{ Role: IpvsSyncRole.Master }], "the master daemon");

        // The instance stops at shutdown and the stop fails: the attempt after the stop, not a retry, ends the daemon.
        _kernel.FailNextChange = 105;
        controller.OnTransition(Synced("web", 1), VrrpState.Initialize);
        await Until(() => _log.Lines.Count(l => l.Contains("event=connection-sync-failed", StringComparison.Ordinal)) == 2, "the failed stop logged");
        await stop.CancelAsync();
        await running;
        Assert.Empty(_kernel.Daemons);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(10);
        }
    }
}
