using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Hosting;
using KeepOperator.Operator.Metrics;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Metrics.Exposition;

namespace KeepOperator.Operator.Tests.Metrics;

public sealed class OperatorMetricsTests
{
    private readonly OperatorMetrics _metrics = new();

    [Theory]
    [InlineData("keepoperator_operator_reconcile_duration_seconds", "histogram")]
    [InlineData("keepoperator_operator_reconcile_errors_total", "counter")]
    [InlineData("keepoperator_operator_workqueue_depth", "gauge")]
    [InlineData("keepoperator_operator_leader", "gauge")]
    [InlineData("process_working_set_bytes", "gauge")]
    public async Task EveryMetricHasHelpAndType(string name, string type) => AssertHelpAndType(await Scrape(), name, type);

    [Fact]
    public async Task Exports_exactly_the_vocabularys_operator_metrics() =>
        Assert.Equal(MetricNames.Operator.Order(StringComparer.Ordinal), Families(await Scrape(), "keepoperator_"));

    [Fact]
    public async Task Every_kind_starts_at_zero_and_nothing_leads_before_tracking()
    {
        var text = await Scrape();

        foreach (var kind in new[] { "virtual_ip_status", "node_agent_config", "plan" })
        {
            Assert.Equal(0, Value(text, "keepoperator_operator_reconcile_errors_total", ("kind", kind)));
            Assert.Equal(0, Value(text, "keepoperator_operator_reconcile_duration_seconds_count", ("kind", kind)));
        }
        Assert.Equal(0, Value(text, "keepoperator_operator_leader"));
        Assert.Equal(0, Value(text, "keepoperator_operator_workqueue_depth"));
    }

    [Fact]
    public async Task Reconciles_are_timed_per_kind_and_failures_counted()
    {
        _metrics.Reconciled(ReconcileKind.VirtualIpStatus, TimeSpan.FromMilliseconds(20), failed: false);
        _metrics.Reconciled(ReconcileKind.VirtualIpStatus, TimeSpan.FromMilliseconds(30), failed: true);
        _metrics.Reconciled(ReconcileKind.Plan, TimeSpan.FromSeconds(2), failed: false);

        var text = await Scrape();

        Assert.Equal(2, Value(text, "keepoperator_operator_reconcile_duration_seconds_count", ("kind", "virtual_ip_status")));
        Assert.Equal(0.05, Value(text, "keepoperator_operator_reconcile_duration_seconds_sum", ("kind", "virtual_ip_status"))!.Value, precision: 9);
        Assert.Equal(2, Value(text, "keepoperator_operator_reconcile_duration_seconds_bucket", ("kind", "virtual_ip_status"), ("le", "0.05")));
        Assert.Equal(0, Value(text, "keepoperator_operator_reconcile_duration_seconds_bucket", ("kind", "plan"), ("le", "1")));
        Assert.Equal(1, Value(text, "keepoperator_operator_reconcile_duration_seconds_bucket", ("kind", "plan"), ("le", "2.5")));
        Assert.Equal(1, Value(text, "keepoperator_operator_reconcile_errors_total", ("kind", "virtual_ip_status")));
        Assert.Equal(0, Value(text, "keepoperator_operator_reconcile_errors_total", ("kind", "plan")));
    }

    [Fact]
    public async Task Leadership_and_queue_depth_are_read_at_each_scrape()
    {
        var leading = false;
        var depth = 0;
        _metrics.Track(() => leading, () => depth, () => ClusterGauges.Empty);

        leading = true;
        depth = 7;
        var first = await Scrape();
        leading = false;
        depth = 0;
        var second = await Scrape();

        Assert.Equal((1, 7), (Value(first, "keepoperator_operator_leader"), Value(first, "keepoperator_operator_workqueue_depth")));
        Assert.Equal((0, 0), (Value(second, "keepoperator_operator_leader"), Value(second, "keepoperator_operator_workqueue_depth")));
    }

    [Fact]
    public async Task Split_brain_and_pool_gauges_follow_the_statuses_and_deleted_objects_leave_no_series()
    {
        var gauges = new ClusterGauges([("web", 2, true), ("db", 1, false)], [("lan", "IPv4", 16, 3), ("lan", "IPv6", long.MaxValue, 1)]);
        _metrics.Track(() => true, () => 0, () => gauges);

        var first = await Scrape();
        gauges = new ClusterGauges([("db", 1, false)], []);
        var second = await Scrape();

        Assert.Equal((2, 1), (Value(first, "keepoperator_virtualip_masters", ("virtualip", "web")), Value(first, "keepoperator_virtualip_split_brain", ("virtualip", "web"))));
        Assert.Equal((1, 0), (Value(first, "keepoperator_virtualip_masters", ("virtualip", "db")), Value(first, "keepoperator_virtualip_split_brain", ("virtualip", "db"))));
        Assert.Equal((16, 3), (Value(first, "keepoperator_pool_addresses", ("pool", "lan"), ("family", "IPv4")), Value(first, "keepoperator_pool_addresses_used", ("pool", "lan"), ("family", "IPv4"))));
        Assert.Null(Value(second, "keepoperator_virtualip_masters", ("virtualip", "web")));
        Assert.Null(Value(second, "keepoperator_pool_addresses", ("pool", "lan"), ("family", "IPv4")));
        Assert.Equal(1, Value(second, "keepoperator_virtualip_masters", ("virtualip", "db")));
    }

    [Theory]
    [InlineData("127.0.0.1:9091", "127.0.0.1:9091")]
    [InlineData(":9091", ":9091")]
    [InlineData("off", null)]
    public void The_metrics_address_flag_sets_the_option(string value, string? expected)
    {
        var options = KeepOperator.Operator.Tests.Hosting.OperatorCommandLineTests.RunOptions("--metrics-address", value);

        Assert.Equal(expected, options.MetricsAddress?.ToString());
    }

    [Fact]
    public void A_bad_metrics_address_is_refused_with_the_spellings_it_takes()
    {
        var parsed = OperatorCommandLine.Parse(["--metrics-address", "localhost:9091"], new OperatorOptions());

        Assert.Null(parsed.Options);
        Assert.Equal(2, parsed.ExitCode);
        Assert.StartsWith("keepoperator: --metrics-address: IP:PORT, [IPv6]:PORT, :PORT (every address) or off, got \"localhost:9091\"\n", parsed.Error, StringComparison.Ordinal);
    }

    private async Task<string> Scrape()
    {
        using var stream = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void The_default_is_controller_runtimes_port_on_every_address() =>
        Assert.Equal(":8080", new OperatorOptions().MetricsAddress?.ToString());
}
