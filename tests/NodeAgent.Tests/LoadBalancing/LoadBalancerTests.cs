using System.Net;
using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.ServiceModel;
using KeepOperator.NodeAgent.Tests.Hosting;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

public sealed class LoadBalancerTests : IAsyncDisposable
{
    private static readonly IPEndPoint Rs11 = IPEndPoint.Parse("10.77.0.11:80");
    private static readonly IPEndPoint Rs12 = IPEndPoint.Parse("10.77.0.12:80");

    private readonly FakeChecker _checker = new();
    private readonly FakeDataplane _dataplane = new();
    private readonly CapturedLog _log = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly LoadBalancer _balancer;
    private readonly Task _running;
    private IReadOnlyList<string> _forwardingProblems = [];
    private int _changes;

    public LoadBalancerTests()
    {
        _balancer = new LoadBalancer(_dataplane, _checker, _ => _forwardingProblems, TimeProvider.System, _log.Log) { RetryInterval = TimeSpan.FromMilliseconds(50) };
        _balancer.Changed += () => Interlocked.Increment(ref _changes);
        _running = _balancer.RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
        _log.Dispose();
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(10);
        }
    }

    private static IReadOnlyList<string> Destinations(IReadOnlyList<LoadBalancedService> table, int port = 80) =>
        [.. table.Single(s => s.Key.Port == port).Destinations.Select(d => $"{d.Address}:{d.Port}/{d.Weight}")];

    private void Verdict(IPEndPoint realServer, bool healthy, string vs = "default/web") =>
        _checker.Raise(new RealServerHealthChange(vs, realServer, healthy, healthy ? "connected" : $"connect to {realServer}: Connection refused", TimeSpan.FromMilliseconds(1), DateTimeOffset.UtcNow));

    [Fact]
    public async Task A_down_real_server_leaves_the_dataplane_and_comes_back_with_its_weight()
    {
        _balancer.SetVirtualServers([VirtualServerSamples.Definition(VirtualServerSamples.Web())]);
        await Eventually(() => _dataplane.Applied.Count == 1, "the first apply");
        Assert.Equal([Rs11, Rs12], _checker.Checks.Select(c => c.RealServer));
        Assert.Equal(["10.77.0.11:80/1", "10.77.0.12:80/2"], Destinations(_dataplane.Applied[^1]));

        Verdict(Rs12, healthy: false);
        await Eventually(() => _dataplane.Applied.Count == 2, "the update");
        Assert.Equal(["10.77.0.11:80/1"], Destinations(_dataplane.Applied[^1]));
        Assert.Contains(_log.Lines, l => l.Contains("event=realserver vs=default/web rs=10.77.0.12:80 healthy=false reason=\"connect to 10.77.0.12:80: Connection refused\"", StringComparison.Ordinal));
        var status = _balancer.Status.VirtualServers.Single();
        Assert.Equal(("default", "web"), (status.Namespace, status.Name));
        Assert.Equal([("10.77.0.11", true, 1), ("10.77.0.12", false, 0)], status.RealServers!.Select(r => (r.Address, r.Healthy, r.Weight ?? -1)));
        Assert.Equal("connect to 10.77.0.12:80: Connection refused", status.RealServers![1].Message);

        Verdict(Rs12, healthy: true);
        await Eventually(() => _dataplane.Applied.Count == 3, "the recovery");
        Assert.Equal(["10.77.0.11:80/1", "10.77.0.12:80/2"], Destinations(_dataplane.Applied[^1]));
    }

    [Fact]
    public async Task A_verdict_that_changes_nothing_and_a_finished_check_touch_no_dataplane()
    {
        _balancer.SetVirtualServers([VirtualServerSamples.Definition(VirtualServerSamples.Web())]);
        await Eventually(() => _dataplane.Applied.Count == 1, "the first apply");
        var at = DateTimeOffset.UtcNow;

        Verdict(Rs11, healthy: true);
        _checker.Complete(_checker.Checks[0], at);
        await Eventually(() => _balancer.Status.VirtualServers.Single().RealServers![0].LastCheckTime == at, "the check time");

        Assert.Single(_dataplane.Applied);
    }

    [Fact]
    public async Task Adding_a_virtual_server_keeps_the_checks_and_health_of_the_others()
    {
        _balancer.SetVirtualServers([VirtualServerSamples.Definition(VirtualServerSamples.Web())]);
        await Eventually(() => _dataplane.Applied.Count == 1, "the first apply");
        Verdict(Rs12, healthy: false);
        await Eventually(() => _dataplane.Applied.Count == 2, "the update");
        var before = _checker.Checks;

        _balancer.SetVirtualServers([VirtualServerSamples.Definition(VirtualServerSamples.Web()), VirtualServerSamples.Definition(VirtualServerSamples.Web("tls", 443))]);
        await Eventually(() => _dataplane.Applied.Count == 3, "the new virtual server");

        Assert.Equal(before, _checker.Checks.Take(2));
        Assert.Equal(4, _checker.Checks.Count);
        Assert.Equal(["10.77.0.11:80/1"], Destinations(_dataplane.Applied[^1]));
        Assert.Equal(["10.77.0.11:80/1", "10.77.0.12:80/2"], Destinations(_dataplane.Applied[^1], 443));
        Assert.Contains(_log.Lines, l => l.Contains("event=virtualserver vs=default/tls action=added", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_verdict_decides_its_virtual_server_again_and_the_others_keep_their_service_objects()
    {
        // The IPVS dataplane skips a service it applied as the very same object with a reference comparison.
        _balancer.SetVirtualServers([VirtualServerSamples.Definition(VirtualServerSamples.Web()), VirtualServerSamples.Definition(VirtualServerSamples.Web("tls", 443))]);
        await Eventually(() => _dataplane.Applied.Count == 1, "the first apply");

        Verdict(Rs12, healthy: false, vs: "default/tls");
        await Eventually(() => _dataplane.Applied.Count == 2, "the update");
        Verdict(Rs11, healthy: false, vs: "default/web");
        await Eventually(() => _dataplane.Applied.Count == 3, "the second update");

        var (first, second, third) = (_dataplane.Applied[0], _dataplane.Applied[1], _dataplane.Applied[2]);
        Assert.Same(first[0], second[0]);
        Assert.Equal(["10.77.0.11:80/1"], Destinations(second, 443));
        Assert.Same(second[1], third[1]);
        Assert.Equal(["10.77.0.12:80/2"], Destinations(third));
    }

    [Fact]
    public async Task A_refused_update_is_retried_and_forwarding_problems_reach_the_status()
    {
        _forwardingProblems = ["IPv4 forwarding is off"];
        _dataplane.FailuresLeft = 1;

        _balancer.SetVirtualServers([VirtualServerSamples.Definition(VirtualServerSamples.Web())]);

        await Eventually(() => _dataplane.Applied.Count == 1, "the retried apply");
        Assert.Equal(2, _dataplane.Calls);
        Assert.True(_log.Has("dataplane-failed"));
        Assert.Equal(["IPv4 forwarding is off"], _balancer.Status.ForwardingProblems);
    }

    [Fact]
    public async Task Without_virtual_servers_the_dataplane_is_never_touched()
    {
        _balancer.SetVirtualServers([]);
        await Eventually(() => Volatile.Read(ref _changes) > 0, "the configuration");

        await _stop.CancelAsync();
        await _running;

        Assert.Equal(0, _dataplane.Calls);
        Assert.False(_dataplane.Removed);
    }

    [Fact]
    public async Task Stopping_removes_what_was_programmed()
    {
        _balancer.SetVirtualServers([VirtualServerSamples.Definition(VirtualServerSamples.Web())]);
        await Eventually(() => _dataplane.Applied.Count == 1, "the first apply");

        await _stop.CancelAsync();
        await _running;

        Assert.True(_dataplane.Removed);
    }

    [Fact]
    public async Task Stopped_before_its_first_update_it_still_removes_the_configured_services()
    {
        // A restarted agent (the kernel still holds its earlier run's services) gets SIGTERM at once.
        var dataplane = new FakeDataplane();
        var balancer = new LoadBalancer(dataplane, new FakeChecker(), _ => [], TimeProvider.System, _log.Log);
        var definition = VirtualServerSamples.Definition(VirtualServerSamples.Web());
        balancer.SetVirtualServers([definition]);

        await balancer.RunAsync(new CancellationToken(canceled: true));

        Assert.Equal(0, dataplane.Calls);
        Assert.True(dataplane.Removed);
        Assert.Equal([definition.Key], dataplane.RemovedConfigured);
    }
}
