using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>The templates, rendered by the real helm (<see cref="ChartRender"/>).</summary>
public sealed class ChartTemplateTests
{
    internal static IReadOnlyList<YamlMappingNode> AllDocuments => ChartRender.Everything;

    [HelmFact]
    public void EveryTemplateRendersToTheExpectedKinds()
    {
        var kinds = AllDocuments.Select(d => YamlPath.Scalar(d, "kind")).GroupBy(k => k).ToDictionary(g => g.Key!, g => g.Count());

        Assert.Equal(
            new Dictionary<string, int>
            {
                ["Deployment"] = 1,
                ["DaemonSet"] = 1,
                ["ServiceAccount"] = 2,
                ["ClusterRole"] = 2,
                ["ClusterRoleBinding"] = 2,
                // The leader-election Role, and per secret namespace one Role for each component.
                ["Role"] = 3,
                ["RoleBinding"] = 3,
                ["PodMonitor"] = 1,
                ["ConfigMap"] = 1, // the Grafana dashboard
            },
            kinds);
    }

    [HelmFact]
    public void ThePodMonitorIsOptInAndOffByDefault()
    {
        Assert.DoesNotContain(ChartRender.Documents(HelmToolchain.Helm3), d => YamlPath.Scalar(d, "kind") == "PodMonitor");
        Assert.Single(AllDocuments, d => YamlPath.Scalar(d, "kind") == "PodMonitor");
    }

    [HelmFact]
    public void A_privileged_agent_leaves_out_allowPrivilegeEscalation_which_Kubernetes_refuses_beside_it()
    {
        var container = YamlPath.Find(ChartRender.Documents(HelmToolchain.Helm3, "--set", "agent.securityContext.privileged=true").Single("DaemonSet"), "spec.template.spec.containers.0")!;

        Assert.Equal("true", YamlPath.Scalar(container, "securityContext.privileged"));
        Assert.Null(YamlPath.Find(container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal("false", YamlPath.Scalar(YamlPath.Find(PodSpec("DaemonSet"), "containers.0")!, "securityContext.allowPrivilegeEscalation"));
    }

    [HelmFact]
    public void A_numeric_image_tag_and_global_values_are_accepted()
    {
        var documents = ChartRender.Documents(HelmToolchain.Helm3, "--set", "agent.image.tag=1.5", "--set", "operator.image.tag=2", "--set", "global.imageRegistry=example.org");

        Assert.EndsWith(":1.5", YamlPath.Scalar(documents.Single("DaemonSet"), "spec.template.spec.containers.0.image"), StringComparison.Ordinal);
        Assert.EndsWith(":2", YamlPath.Scalar(documents.Single("Deployment"), "spec.template.spec.containers.0.image"), StringComparison.Ordinal);
    }

    [HelmFact]
    public void Both_components_run_on_Linux_nodes_and_the_priority_classes_are_values()
    {
        foreach (var kind in new[] { "DaemonSet", "Deployment" })
        {
            var selector = (YamlMappingNode)YamlPath.Find(PodSpec(kind), "nodeSelector")!;
            Assert.Equal("linux", ((YamlScalarNode)selector.Children[new YamlScalarNode("kubernetes.io/os")]).Value);
        }
        Assert.Null(YamlPath.Find(PodSpec("Deployment"), "priorityClassName"));
        var documents = ChartRender.Documents(HelmToolchain.Helm3, "--set", "operator.priorityClassName=system-cluster-critical", "--set", "agent.priorityClassName=");
        Assert.Equal("system-cluster-critical", YamlPath.Scalar(documents.Single("Deployment"), "spec.template.spec.priorityClassName"));
        Assert.Null(YamlPath.Find(documents.Single("DaemonSet"), "spec.template.spec.priorityClassName"));
    }

    [HelmFact]
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

    [HelmFact]
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

    [HelmFact]
    public void TheAgentToleratesControlPlaneNodes()
    {
        var tolerations = (YamlSequenceNode)YamlPath.Find(PodSpec("DaemonSet"), "tolerations")!;

        Assert.Contains(tolerations.Children, t => YamlPath.Scalar(t, "key") == "node-role.kubernetes.io/control-plane" && YamlPath.Scalar(t, "effect") == "NoSchedule");
    }

    [HelmFact]
    public void TheOperatorRunsTwoNonRootReplicasWithLeaderElection()
    {
        var deployment = AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == "Deployment");
        var pod = PodSpec("Deployment");
        var container = YamlPath.Find(pod, "containers.0")!;

        Assert.Equal("2", YamlPath.Scalar(deployment, "spec.replicas"));
        Assert.Equal(["run", "--leader-election-namespace", ChartRender.Namespace], YamlPath.Strings(container, "args").Take(3));
        Assert.Equal("true", YamlPath.Scalar(container, "securityContext.runAsNonRoot"));
        Assert.Equal("true", YamlPath.Scalar(container, "securityContext.readOnlyRootFilesystem"));
        Assert.Equal("false", YamlPath.Scalar(container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], YamlPath.Strings(container, "securityContext.capabilities.drop"));
        Assert.Null(YamlPath.Find(container, "securityContext.capabilities.add"));
        Assert.Equal("RuntimeDefault", YamlPath.Scalar(container, "securityContext.seccompProfile.type"));
    }

    [HelmFact]
    public void The_operator_serves_classless_LoadBalancer_Services_only_when_the_value_says_so()
    {
        static List<string> Args(IReadOnlyList<YamlMappingNode> documents) =>
            [.. YamlPath.Strings(YamlPath.Find(documents.Single("Deployment"), "spec.template.spec.containers.0")!, "args")];

        Assert.DoesNotContain("--default-load-balancer-class", Args(AllDocuments));
        Assert.Contains("--default-load-balancer-class", Args(ChartRender.Documents(HelmToolchain.Helm3, "--set", "operator.defaultLoadBalancerClass=true")));
    }

    [HelmFact]
    public void The_operators_probes_ask_its_health_port_which_it_serves_even_with_metrics_off()
    {
        foreach (var documents in new[] { AllDocuments, ChartRender.Documents(HelmToolchain.Helm3, "--set", "metrics.enabled=false") })
        {
            var container = YamlPath.Find(documents.Single("Deployment"), "spec.template.spec.containers.0")!;
            var args = YamlPath.Strings(container, "args").ToList();
            var port = ((YamlSequenceNode)YamlPath.Find(container, "ports")!).Children.Single(p => YamlPath.Scalar(p, "name") == "health");

            Assert.Equal(":" + YamlPath.Scalar(port, "containerPort"), args[args.IndexOf("--health-address") + 1]);
            Assert.Equal(("/healthz", "health"), (YamlPath.Scalar(container, "livenessProbe.httpGet.path"), YamlPath.Scalar(container, "livenessProbe.httpGet.port")));
            Assert.Equal(("/readyz", "health"), (YamlPath.Scalar(container, "readinessProbe.httpGet.path"), YamlPath.Scalar(container, "readinessProbe.httpGet.port")));
        }
    }

    [HelmFact]
    public void EachWorkloadRunsUnderItsOwnServiceAccount()
    {
        var accounts = AllDocuments.Where(d => YamlPath.Scalar(d, "kind") == "ServiceAccount").Select(d => YamlPath.Scalar(d, "metadata.name")).ToHashSet();

        Assert.Contains(YamlPath.Scalar(PodSpec("Deployment"), "serviceAccountName"), accounts);
        Assert.Contains(YamlPath.Scalar(PodSpec("DaemonSet"), "serviceAccountName"), accounts);
        Assert.NotEqual(YamlPath.Scalar(PodSpec("Deployment"), "serviceAccountName"), YamlPath.Scalar(PodSpec("DaemonSet"), "serviceAccountName"));
    }

    [HelmFact]
    public void The_chart_readme_shows_what_helm_renders()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Chart, "README.md"));
        var start = readme.IndexOf("```yaml\n", readme.IndexOf("## What `helm template", StringComparison.Ordinal), StringComparison.Ordinal) + "```yaml\n".Length;
        var shown = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var rendered = ChartRender.Run(HelmToolchain.Helm3, "template", "keepoperator", RepoPaths.Chart, "-n", "keepoperator");
        Assert.Equal(rendered.Stdout.TrimEnd('\n') + "\n", shown);
    }

    [HelmFact]
    public void TheNotesPointTheUserAtTheVirtualIps() =>
        Assert.Contains("kubectl get virtualips", File.ReadAllText(Path.Combine(RepoPaths.ChartTemplates, "NOTES.txt")), StringComparison.Ordinal);

    private static YamlNode PodSpec(string kind) =>
        YamlPath.Find(AllDocuments.Single(d => YamlPath.Scalar(d, "kind") == kind), "spec.template.spec")!;
}
