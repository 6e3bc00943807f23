using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>
/// The chart's whole life under the real Helm 3 and Helm 4 (each with its own kubectl) against LocalCluster: install,
/// upgrade with a changed value, rollback, uninstall, and the CRD upgrade path Helm leaves to the user.
/// </summary>
public sealed class HelmReleaseTests(ITestOutputHelper output)
{
    private const string Namespace = "keepoperator";
    private const string Release = "ko";

    [HelmTheory]
    [MemberData(nameof(HelmToolchain.All), MemberType = typeof(HelmToolchain))]
    public async Task The_chart_installs_upgrades_rolls_back_and_uninstalls(string toolchain)
    {
        var tools = HelmToolchain.Named(toolchain);
        var cluster = new ClusterFixture();
        await cluster.InitializeAsync();
        try
        {
            await RunLifecycleAsync(tools, cluster);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private async Task RunLifecycleAsync(HelmToolchain tools, ClusterFixture cluster)
    {
        var work = cluster.Directory;
        async Task<ToolResult> Helm(params string[] args) => Log(await tools.HelmAsync(work, cluster.KubeconfigPath, args), "helm", args);
        async Task<ToolResult> Kubectl(params string[] args) => Log(await tools.KubectlAsync(work, cluster.KubeconfigPath, args), "kubectl", args);
        async Task<string> AgentArgs() => (await Kubectl("-n", Namespace, "get", "daemonset", $"{Release}-keepoperator-agent", "-o", "jsonpath={.spec.template.spec.containers[0].args}")).Stdout;

        var install = await Helm("install", Release, RepoPaths.Chart, "-n", Namespace, "--create-namespace");
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("STATUS: deployed", install.Stdout, StringComparison.Ordinal);
        var objects = await Kubectl("get", "daemonsets,deployments,serviceaccounts,clusterroles,crds", "-A", "-o", "name");
        Assert.True(objects.ExitCode == 0, objects.ToString());
        foreach (var expected in new[]
        {
            $"daemonset.apps/{Release}-keepoperator-agent", $"deployment.apps/{Release}-keepoperator-operator",
            $"serviceaccount/{Release}-keepoperator-agent", $"serviceaccount/{Release}-keepoperator-operator",
            "customresourcedefinition.apiextensions.k8s.io/virtualips.keepoperator.io",
        })
        {
            Assert.Contains(expected, objects.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("\"logfmt\"", await AgentArgs(), StringComparison.Ordinal);

        var upgrade = await Helm("upgrade", Release, RepoPaths.Chart, "-n", Namespace, "--set", "agent.logFormat=json");
        Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
        Assert.Contains("\"json\"", await AgentArgs(), StringComparison.Ordinal);

        var rollback = await Helm("rollback", Release, "1", "-n", Namespace);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("\"logfmt\"", await AgentArgs(), StringComparison.Ordinal);
        var history = await Helm("history", Release, "-n", Namespace, "-o", "json");
        Assert.Contains("Rollback to 1", history.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.Json.JsonDocument.Parse(history.Stdout).RootElement.GetArrayLength());

        // Helm installs crds/ once and never upgrades them: the README's upgrade path applies them server-side.
        var crds = await Kubectl("apply", "--server-side", "-f", RepoPaths.Crds);
        Assert.True(crds.ExitCode == 0, crds.ToString());

        var uninstall = await Helm("uninstall", Release, "-n", Namespace);
        Assert.True(uninstall.ExitCode == 0, uninstall.ToString());
        var left = await Kubectl("get", "daemonsets,deployments,serviceaccounts,clusterroles,clusterrolebindings,roles,rolebindings,secrets", "-A", "-o", "name");
        Assert.True(left.ExitCode == 0 && left.Stdout.Trim().Length == 0, "left behind after uninstall: " + left);
        // CRDs (and so everyone's VirtualIps) outlive the release, as Helm does with crds/.
        Assert.Contains("virtualips.keepoperator.io", (await Kubectl("get", "crds", "-o", "name")).Stdout, StringComparison.Ordinal);
    }

    private ToolResult Log(ToolResult result, string tool, string[] args)
    {
        output.WriteLine($"$ {tool} {string.Join(' ', args)}\n{result}");
        return result;
    }

}

/// <summary>A [Theory] over both Helm toolchains, skipped with the reason where either is missing.</summary>
public sealed class HelmTheoryAttribute : TheoryAttribute
{
    public HelmTheoryAttribute()
    {
        if ((HelmToolchain.Helm3.SkipReason ?? HelmToolchain.Helm4.SkipReason) is { } reason)
        {
            Skip = reason;
        }
    }
}
