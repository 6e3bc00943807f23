using KeepOperator.Api;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Metrics;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Metrics.Exposition;

namespace KeepOperator.NodeAgent.Tests.Metrics;

/// <summary>The load balancer's published status drives the real-server series; what leaves the config leaves the scrape.</summary>
public sealed class RealServerSeriesTests
{
    private readonly AgentMetrics _metrics = new();

    private static LoadBalancerStatus Status(params (string Namespace, string Name, (string Address, int? Port, bool Healthy)[] Reals)[] servers) => new(
        servers.Select(s => new NodeVirtualServerStatus
        {
            Namespace = s.Namespace,
            Name = s.Name,
            RealServers = s.Reals.Select(r => new RealServerStatus { Address = r.Address, Port = r.Port, Healthy = r.Healthy }).ToList(),
        }).ToList(),
        []);

    [Fact]
    public void Health_follows_each_status_and_removed_servers_disappear()
    {
        var series = new RealServerSeries(_metrics);
        series.Update(Status(("default", "web", [("10.0.0.1", 80, true), ("10.0.0.2", 80, false)]), ("", "fw", [("10.0.0.3", null, true)])));
        _metrics.ObserveCheck("default/web", TimeSpan.FromMilliseconds(3));
        var first = _metrics.Render();
        Assert.Equal(1, Value(first, "keepoperator_real_server_up", ("virtual_server", "default/web"), ("address", "10.0.0.1"), ("port", "80")));
        Assert.Equal(0, Value(first, "keepoperator_real_server_up", ("virtual_server", "default/web"), ("address", "10.0.0.2"), ("port", "80")));
        Assert.Equal(1, Value(first, "keepoperator_real_server_up", ("virtual_server", "fw"), ("address", "10.0.0.3"), ("port", "0")));
        Assert.Contains("keepoperator_health_check_duration_seconds_count{virtual_server=\"default/web\"} 1", first, StringComparison.Ordinal);

        series.Update(Status(("default", "web", [("10.0.0.2", 80, true)])));
        var second = _metrics.Render();
        Assert.Null(Value(second, "keepoperator_real_server_up", ("virtual_server", "default/web"), ("address", "10.0.0.1"), ("port", "80")));
        Assert.Equal(1, Value(second, "keepoperator_real_server_up", ("virtual_server", "default/web"), ("address", "10.0.0.2"), ("port", "80")));
        Assert.Null(Value(second, "keepoperator_real_server_up", ("virtual_server", "fw"), ("address", "10.0.0.3"), ("port", "0")));

        series.Update(LoadBalancerStatus.Empty);
        var last = _metrics.Render();
        Assert.DoesNotContain("virtual_server=\"default/web\"", last, StringComparison.Ordinal);
    }
}
