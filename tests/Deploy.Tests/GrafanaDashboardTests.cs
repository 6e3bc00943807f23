using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KeepOperator.Api.Vocabulary;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// The chart's Grafana dashboard (dashboards/keepoperator.json): its ConfigMap for Grafana's dashboard sidecar, and
/// that every query reads metrics and labels the binaries really export.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private const string DatasourceVariable = "${datasource}";

    private static readonly string DashboardFile = Path.Combine(RepoPaths.Chart, "dashboards", "keepoperator.json");

    private static readonly JsonObject Dashboard = JsonNode.Parse(File.ReadAllText(DashboardFile))!.AsObject();

    /// <summary>
    /// What a PodMonitor's scrape adds to every series (the Prometheus Operator's target labels), and node, which the
    /// chart's PodMonitor relabels from the pod's node (ChartMetricsTests).
    /// </summary>
    private static readonly string[] ScrapeLabels = ["job", "instance", "namespace", "pod", "container", "endpoint", "node"];

    /// <summary>
    /// The process families beside MetricNames, held by the binaries' tests: the agent's three
    /// (AgentMetricsTests.EveryMetricHasHelpAndType) and prometheus-net's working set on the operator (OperatorMetricsTests).
    /// </summary>
    private static readonly string[] ProcessFamilies = ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds", "process_working_set_bytes"];

    /// <summary>The README's Metrics table: each keepoperator_ family's type and labels.</summary>
    private static readonly Dictionary<string, (string Type, string[] Labels)> Documented = ReadMetricsTable();

    [Fact]
    public void The_dashboard_has_a_uid_a_title_and_a_prometheus_datasource_variable()
    {
        Assert.Equal("keepoperator", (string?)Dashboard["uid"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)Dashboard["title"]));
        Assert.InRange((int)Dashboard["schemaVersion"]!, 36, 100);
        var datasource = Assert.Single(Variables(), v => (string?)v["type"] == "datasource");
        Assert.Equal("datasource", (string?)datasource["name"]);
        Assert.Equal("prometheus", (string?)datasource["query"]);
    }

    [Fact]
    public void Every_panel_target_and_query_variable_reads_the_datasource_variable()
    {
        var wrong = Panels().Where(p => (string?)p["type"] != "row")
            .SelectMany(p => new[] { ((string)p["title"]!, p["datasource"]) }.Concat(Targets(p).Select(t => ((string)p["title"]! + " " + (string?)t["refId"], t["datasource"]))))
            .Concat(Variables().Where(v => (string?)v["type"] == "query").Select(v => ("$" + (string?)v["name"], v["datasource"])))
            .Where(d => (string?)d.Item2?["uid"] != DatasourceVariable || (string?)d.Item2?["type"] != "prometheus")
            .Select(d => d.Item1);

        Assert.NotEmpty(Panels());
        Assert.Empty(wrong);
        Assert.Equal(Panels().Count, Panels().Select(p => (int)p["id"]!).Distinct().Count());
    }

    [Fact]
    public void Every_query_names_only_metrics_the_binaries_export()
    {
        var exported = MetricNames.Agent.Concat(MetricNames.Operator).Concat(ProcessFamilies).ToHashSet(StringComparer.Ordinal);

        var queries = Queries().ToList();
        var unknown = queries.SelectMany(q => PromQl.Metrics(q.Expr).Where(m => !exported.Contains(Family(m))).Select(m => $"{q.Where}: {m}"));

        Assert.True(queries.Count > 20, "the dashboard's queries were not found");
        Assert.All(queries.Where(q => q.Expr.Length > 0), q => Assert.NotEmpty(PromQl.Metrics(q.Expr)));
        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_label_a_query_matches_groups_or_prints_is_on_one_of_its_metrics()
    {
        var missing = Queries().SelectMany(q =>
        {
            var metrics = PromQl.Metrics(q.Expr);
            var available = metrics.SelectMany(LabelsOf).Concat(ScrapeLabels).ToHashSet(StringComparer.Ordinal);
            return PromQl.Labels(q.Expr).Concat(q.Labels).Where(l => !available.Contains(l)).Select(l => $"{q.Where}: {l} (on none of {string.Join(", ", metrics)})");
        });

        Assert.Empty(missing);
    }

    [Fact]
    public void The_readme_documents_exactly_the_vocabularys_metrics() =>
        Assert.Equal(MetricNames.Agent.Concat(MetricNames.Operator).Order(StringComparer.Ordinal), Documented.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("histogram_quantile(0.99, sum by (kind, le) (rate(h_bucket{job=~\"$job\"}[$__rate_interval])))", "h_bucket")]
    [InlineData("count(sum by (vip) (a{state=\"master\"}) != 1) or vector(0)", "a")]
    [InlineData("sum_over_time((b == bool 0)[$__range:$__interval]) * $__interval_ms / 1000", "b")]
    [InlineData("rate(c[5m] offset 1h) * 1e3 + on (vip) group_left (node) d", "c d")]
    [InlineData("x{a=\"rate(y)\", b=~'z|w'} > 0", "x")]
    [InlineData("3 * job:vrrp_state:max or sum without (state) (rate ( e [1m] ))", "job:vrrp_state:max e")]
    public void The_reader_finds_the_metric_names(string expr, string metrics) =>
        Assert.Equal(metrics.Split(' '), PromQl.Metrics(expr));

    [Fact]
    public void The_reader_finds_matched_grouped_and_printed_labels()
    {
        Assert.Equal(["state", "vip", "node"], PromQl.Labels("sum by (vip, node) (m{state=\"master\",vip=~\"$vip\"}) + ignoring(node) n"));
        Assert.Equal(["vip", "to"], PromQl.LegendLabels("{{vip}}: {{ to }} {{vip}}"));
        Assert.Equal(("m{job=~\"$job\"}", "vip"), PromQl.VariableQuery("label_values(m{job=~\"$job\"}, vip)"));
    }

    [HelmFact]
    public void The_dashboard_is_opt_in_off_by_default_and_needs_metrics()
    {
        Assert.DoesNotContain(ChartRender.Documents(HelmToolchain.Helm3), d => YamlPath.Scalar(d, "kind") == "ConfigMap");
        Assert.DoesNotContain(
            ChartRender.Documents(HelmToolchain.Helm3, "--set", "metrics.enabled=false", "--set", "metrics.grafanaDashboard.enabled=true"),
            d => YamlPath.Scalar(d, "kind") == "ConfigMap");
    }

    [HelmTheory]
    [MemberData(nameof(HelmToolchain.All), MemberType = typeof(HelmToolchain))]
    public void Enabled_it_is_a_configmap_with_the_sidecars_label_holding_the_dashboard_file(string toolchain)
    {
        var configMap = ChartRender.Documents(HelmToolchain.Named(toolchain), "--set", "metrics.grafanaDashboard.enabled=true").Single("ConfigMap");
        var json = ((YamlScalarNode)((YamlMappingNode)YamlPath.Find(configMap, "data")!).Children[new YamlScalarNode("keepoperator.json")]).Value;

        Assert.Equal("1", Label(configMap, "grafana_dashboard"));
        Assert.Equal(ChartRender.Namespace, YamlPath.Scalar(configMap, "metadata.namespace"));
        Assert.Equal(File.ReadAllText(DashboardFile), json);
        Assert.Equal("keepoperator", (string?)JsonNode.Parse(json!)!["uid"]);
    }

    [HelmFact]
    public void The_sidecars_label_the_namespace_and_annotations_are_values()
    {
        var configMap = ChartRender.Documents(
            HelmToolchain.Helm3,
            "--set", "metrics.grafanaDashboard.enabled=true",
            "--set", "metrics.grafanaDashboard.label=dashboards",
            "--set", "metrics.grafanaDashboard.labelValue=1", // an integer from --set, quoted by the template
            "--set", "metrics.grafanaDashboard.namespace=monitoring",
            "--set", "metrics.grafanaDashboard.annotations.grafana_folder=Network").Single("ConfigMap");

        Assert.Equal("1", Label(configMap, "dashboards"));
        Assert.Null(Label(configMap, "grafana_dashboard"));
        Assert.Equal("monitoring", YamlPath.Scalar(configMap, "metadata.namespace"));
        Assert.Equal("Network", YamlPath.Scalar(configMap, "metadata.annotations.grafana_folder"));
    }

    private static string? Label(YamlMappingNode document, string name) =>
        ((YamlMappingNode)YamlPath.Find(document, "metadata.labels")!).Children.TryGetValue(new YamlScalarNode(name), out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>Every panel, those inside collapsed rows included.</summary>
    private static List<JsonObject> Panels() =>
        [.. Dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).SelectMany(p => p["panels"] is JsonArray inner ? [p, .. inner.Select(i => i!.AsObject())] : new[] { p })];

    private static IEnumerable<JsonObject> Targets(JsonObject panel) => panel["targets"]?.AsArray().Select(t => t!.AsObject()) ?? [];

    private static List<JsonObject> Variables() => [.. Dashboard["templating"]!["list"]!.AsArray().Select(v => v!.AsObject())];

    /// <summary>Each PromQL expression: panel targets with their legend's labels, and query variables with the label they list.</summary>
    private static IEnumerable<(string Where, string Expr, IReadOnlyList<string> Labels)> Queries()
    {
        foreach (var panel in Panels())
        {
            foreach (var target in Targets(panel))
            {
                yield return ($"{panel["title"]} {target["refId"]}", (string)target["expr"]!, PromQl.LegendLabels((string?)target["legendFormat"] ?? ""));
            }
        }
        foreach (var variable in Variables().Where(v => (string?)v["type"] == "query"))
        {
            var query = variable["query"] is JsonObject editor ? (string)editor["query"]! : (string)variable["query"]!;
            var (expr, label) = PromQl.VariableQuery(query);
            yield return ("$" + variable["name"], expr, label is null ? [] : [label]);
        }
    }

    /// <summary>A histogram's _bucket, _sum and _count series belong to its family.</summary>
    private static string Family(string metric)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (metric.EndsWith(suffix, StringComparison.Ordinal) && Documented.GetValueOrDefault(metric[..^suffix.Length]).Type == "histogram")
            {
                return metric[..^suffix.Length];
            }
        }

        return metric;
    }

    private static IEnumerable<string> LabelsOf(string metric) =>
        Documented.TryGetValue(Family(metric), out var doc) ? metric.EndsWith("_bucket", StringComparison.Ordinal) ? [.. doc.Labels, "le"] : doc.Labels : [];

    private static Dictionary<string, (string Type, string[] Labels)> ReadMetricsTable() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"))
            .Where(l => l.StartsWith("| `keepoperator_", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(
                cells => cells[1].Trim('`'),
                cells => (cells[2], Backticked().Matches(Parenthesized().Replace(cells[3], "")).Select(m => m.Groups["name"].Value).ToArray()));

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthesized();

    [GeneratedRegex("`(?<name>[a-z_]+)`")]
    private static partial Regex Backticked();
}
