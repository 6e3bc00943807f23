using KeepOperator.Lab.Tests.Lab;
using KeepOperator.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// What the chart renders is what runs: the operator and an agent per node started with exactly the args and env of
/// the chart's Deployment and DaemonSet (<see cref="ChartCommands"/>), against LocalCluster; a VirtualIp then goes
/// Ready (as <c>kubectl wait --for=condition=Ready</c> sees it) with n1 as master.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class ChartCommandTests(ITestOutputHelper output)
{
    [ChartLabFact]
    public void The_chart_s_rendered_commands_bring_a_virtual_ip_to_ready()
    {
        var chart = ChartCommands.Render();
        output.WriteLine($"operator: {string.Join(' ', chart.Operator.Args)}\nagent: {string.Join(' ', chart.Agent.Args)}");
        using var lab = LabNetwork.Create(2, output);
        var cluster = EndToEndCluster.Start(lab, chart: chart);

        cluster.Apply("web", EndToEndCluster.VirtualIp("web", "10.77.0.250", 53, 100));

        var ready = cluster.KubectlWait("virtualip/web", "condition=Ready", TimeSpan.FromSeconds(20));
        Assert.True(ready.Ok, $"kubectl wait --for=condition=Ready: {ready.StdOut}{ready.StdErr}\n" + cluster.Describe());
        Assert.Equal("n1", cluster.Row("web")?["MASTER"]);
        Assert.Equal([lab.Node(1)], lab.Holders("10.77.0.250"));
        // The kubelet's probes, on the port the chart gives --health-address.
        var probe = Sh.Run("ip", "netns", "exec", lab.SwitchNamespace, "curl", "-sS", "--max-time", "2", $"http://127.0.0.1{chart.Operator.Args[chart.Operator.Args.ToList().IndexOf("--health-address") + 1]}/readyz");
        Assert.True(probe.Ok && probe.StdOut == "ok", $"readyz: {probe.StdOut}{probe.StdErr}");
        // The operator took its identity from the downward API's POD_NAME, as in a pod.
        Assert.Contains("ko-keepoperator-operator-0", cluster.KubectlCheck("-n", ChartCommands.Namespace, "get", "lease", "-o", "yaml"), StringComparison.Ordinal);
    }
}

/// <summary>A lab fact that also needs the real Helm 3 (to render the chart).</summary>
public sealed class ChartLabFactAttribute : FactAttribute
{
    public ChartLabFactAttribute() => Skip = LabRequirements.SkipReason ?? HelmToolchain.Helm3.SkipReason;
}
