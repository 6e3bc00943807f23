using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>The templates, rendered by <see cref="ChartStubRenderer"/> with the default values.</summary>
public sealed class ChartTemplateTests
{
    private static readonly ChartStubRenderer Renderer = ChartStubRenderer.WithDefaultValues();

    internal static IReadOnlyList<YamlMappingNode> AllDocuments { get; } = Directory.GetFiles(RepoPaths.ChartTemplates, "*.yaml")
        .SelectMany(Renderer.RenderDocuments).ToList();

    [Fact]
    public void EveryTemplateRendersToTheExpectedKinds()
    {
        var kinds = AllDocuments.Select(d => YamlPath.Scalar(d, "kind")).GroupBy(k => k).ToDictionary(g => g.Key!, g => g.Count());

        Assert.Equal(
            new Dictionary<string, int>
            {
                ["Deployment"] = 1, ["DaemonSet"] = 1, ["ServiceAccount"] = 2, ["ClusterRole"] = 2, ["ClusterRoleBinding"] = 2,
                // The leader-election Role, and per secret namespace one Role for each component.
                ["Role"] = 3, ["RoleBinding"] = 3,
                ["PodMonitor"] = 1,
            },
            kinds);
    }

    [Fact]
    public void ThePodMonitorIsOptInAndOffByDefault()
    {
        var firstLine = File.ReadLines(Path.Combine(RepoPaths.ChartTemplates, "podmonitor.yaml")).First();

        Assert.Equal("{{- if .Values.metrics.podMonitor.enabled }}", firstLine);
        Assert.Equal("false", YamlPath.Scalar(YamlPath.Load(Path.Combine(RepoPaths.Chart, "values.yaml")), "metrics.podMonitor.enabled"));
    }

    [Fact]
    public void TheAgentHasTheHostNetworkAndOnlyTheCapabilitiesVrrpNeeds()
    {
        var pod = PodSpec("DaemonSet");
        var container = YamlPath.Find(pod, "containers.0")!;

        Assert.Equal("true", YamlPath.Scalar(pod, "hostNetwork"));
        Assert.Equal("ClusterFirstWithHostNet", YamlPath.Scalar(pod, "dnsPolicy"));
        Assert.Equal("system-node-critical", YamlPath.Scalar(pod, "priorityClassName"));
        Assert.Equal(["NET_ADMIN", "NET_RAW"], YamlPath.Strings(container, "securityContext.capabilities.add").Order());
        Assert.Equal(["ALL"], YamlPath.Strings(container, "securityContext.capabilities.drop"));
        Assert.Equal("false", YamlPath.Scalar(container, "securityContext.privileged"));
        Assert.Equal("RuntimeDefault", YamlPath.Scalar(container, "securityContext.seccompProfile.type"));
    }

    [Fact]
    public void TheAgentKnowsItsNodeAndReleasesItsVipsWithinTheGracePeriod()
    {
        var pod = PodSpec("DaemonSet");
        var container = YamlPath.Find(pod, "containers.0")!;
        var nodeName = ((YamlSequenceNode)YamlPath.Find(container, "env")!).Children.Single(e => YamlPath.Scalar(e, "name") == "NODE_NAME");

        Assert.Equal("spec.nodeName", YamlPath.Scalar(nodeName, "valueFrom.fieldRef.fieldPath"));
        int grace = int.Parse(YamlPath.Scalar(pod, "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture);
        int preStop = int.Parse(YamlPath.Scalar(container, "lifecycle.preStop.sleep.seconds")!, System.Globalization.CultureInfo.InvariantCulture);
        // The hook, then the agent's own exit (within 1 s of SIGTERM), must fit well inside the grace period.
        Assert.InRange(preStop + 1, 1, grace / 2);
    }

    [Fact]
    public void TheAgentToleratesControlPlaneNodes()
    {
        var tolerations = (YamlSequenceNode)YamlPath.Find(PodSpec("DaemonSet"), "tolerations")!;

        Assert.Contains(tolerations.Children, t => YamlPath.Scalar(t, "key") == "node-role.kubernetes.io/control-plane" && YamlPath.Scalar(t, "effect") == "NoSchedule");
    }

    [Fact]
    public void TheOperatorRunsTwoNonRootReplicasWithLeaderElection()
    {
        var deployment = AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == "Deployment");
        var pod = PodSpec("Deployment");
        var container = YamlPath.Find(pod, "containers.0")!;

        Assert.Equal("2", YamlPath.Scalar(deployment, "spec.replicas"));
        Assert.Equal(["run", "--leader-election-namespace", ChartStubRenderer.Placeholder(".Release.Namespace")], YamlPath.Strings(container, "args").Take(3));
        Assert.Equal("true", YamlPath.Scalar(container, "securityContext.runAsNonRoot"));
        Assert.Equal("true", YamlPath.Scalar(container, "securityContext.readOnlyRootFilesystem"));
        Assert.Equal("false", YamlPath.Scalar(container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], YamlPath.Strings(container, "securityContext.capabilities.drop"));
        Assert.Null(YamlPath.Find(container, "securityContext.capabilities.add"));
        Assert.Equal("RuntimeDefault", YamlPath.Scalar(container, "securityContext.seccompProfile.type"));
    }

    [Fact]
    public void EachWorkloadRunsUnderItsOwnServiceAccount()
    {
        var accounts = AllDocuments.Where(d => YamlPath.Scalar(d, "kind") == "ServiceAccount").Select(d => YamlPath.Scalar(d, "metadata.name")).ToHashSet();

        Assert.Contains(YamlPath.Scalar(PodSpec("Deployment"), "serviceAccountName"), accounts);
        Assert.Contains(YamlPath.Scalar(PodSpec("DaemonSet"), "serviceAccountName"), accounts);
        Assert.NotEqual(YamlPath.Scalar(PodSpec("Deployment"), "serviceAccountName"), YamlPath.Scalar(PodSpec("DaemonSet"), "serviceAccountName"));
    }

    [Fact]
    public void TheNotesPointTheUserAtTheVirtualIps() =>
        Assert.Contains("kubectl get virtualips", File.ReadAllText(Path.Combine(RepoPaths.ChartTemplates, "NOTES.txt")), StringComparison.Ordinal);

    private static YamlNode PodSpec(string kind) =>
        YamlPath.Find(AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == kind), "spec.template.spec")!;
}
