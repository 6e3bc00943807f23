using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>Both components serve /metrics on metrics.port, on the container port the PodMonitor scrapes.</summary>
public sealed class ChartMetricsTests
{
    private static readonly string Port = YamlPath.Scalar(YamlPath.Load(Path.Combine(RepoPaths.Chart, "values.yaml")), "metrics.port")!;

    [HelmTheory]
    [InlineData("Deployment")]
    [InlineData("DaemonSet")]
    public void EachComponentServesMetricsOnTheNamedPort(string kind)
    {
        var container = YamlPath.Find(ChartTemplateTests.AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == kind), "spec.template.spec.containers.0")!;
        var args = YamlPath.Strings(container, "args").ToList();
        var port = ((YamlSequenceNode)YamlPath.Find(container, "ports")!).Children.Single(p => YamlPath.Scalar(p, "name") == "metrics");

        Assert.Equal(":" + Port, args[args.IndexOf("--metrics-address") + 1]);
        Assert.Equal(Port, YamlPath.Scalar(port, "containerPort"));
    }

    [HelmFact]
    public void ThePodMonitorScrapesThatPortAndPath()
    {
        var endpoint = YamlPath.Find(ChartTemplateTests.AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == "PodMonitor"), "spec.podMetricsEndpoints.0")!;

        Assert.Equal("metrics", YamlPath.Scalar(endpoint, "port"));
        Assert.Equal("/metrics", YamlPath.Scalar(endpoint, "path"));
    }

    [HelmFact]
    public void ThePodMonitorLabelsEverySeriesWithItsPodsNode_WhichTheDashboardShowsHoldingAVip()
    {
        var relabeling = Assert.Single((YamlSequenceNode)YamlPath.Find(ChartTemplateTests.AllDocuments.Single("PodMonitor"), "spec.podMetricsEndpoints.0.relabelings")!);

        Assert.Equal(["__meta_kubernetes_pod_node_name"], YamlPath.Strings(relabeling, "sourceLabels"));
        Assert.Equal("node", YamlPath.Scalar(relabeling, "targetLabel"));
        Assert.Equal("replace", YamlPath.Scalar(relabeling, "action"));
    }

    [HelmFact]
    public void ThePodMonitorSelectsBothComponentsPods_AndNothingElseOfTheRelease()
    {
        var monitor = ChartTemplateTests.AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == "PodMonitor");
        var selector = ((YamlMappingNode)YamlPath.Find(monitor, "spec.selector.matchLabels")!).Children
            .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value);
        Assert.NotEmpty(selector);
        foreach (var kind in new[] { "Deployment", "DaemonSet" })
        {
            var labels = ((YamlMappingNode)YamlPath.Find(ChartTemplateTests.AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == kind), "spec.template.metadata.labels")!).Children
                .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value);
            Assert.All(selector, s => Assert.Equal(s.Value, labels.GetValueOrDefault(s.Key))); // the pods it must scrape
        }
    }

    [HelmFact]
    public void With_metrics_off_no_component_serves_or_declares_them_and_no_PodMonitor_renders()
    {
        var documents = ChartRender.Documents(HelmToolchain.Helm3, "--set", "metrics.enabled=false", "--set", "metrics.podMonitor.enabled=true");

        Assert.DoesNotContain(documents, d => YamlPath.Scalar(d, "kind") == "PodMonitor");
        foreach (var kind in new[] { "Deployment", "DaemonSet" })
        {
            var container = YamlPath.Find(documents.Single(kind), "spec.template.spec.containers.0")!;
            var args = YamlPath.Strings(container, "args").ToList();
            Assert.Equal("off", args[args.IndexOf("--metrics-address") + 1]);
            Assert.DoesNotContain(YamlPath.Find(container, "ports") is YamlSequenceNode ports ? ports.Children : [], p => YamlPath.Scalar(p, "name") == "metrics");
        }
    }
}
