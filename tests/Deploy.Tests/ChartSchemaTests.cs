using System.Diagnostics;
using Xunit;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// Every object the chart renders, under both helms and a matrix of values, validated against the Kubernetes API's
/// own OpenAPI schemas (tools/k8s-schema/validate.mjs over the kubernetes-models package, Kubernetes 1.27, and the
/// Prometheus Operator's for the PodMonitor). Those schemas check types and required fields, not unknown fields.
/// </summary>
public sealed class ChartSchemaTests
{
    private static readonly string Modules = Environment.GetEnvironmentVariable("K8S_SCHEMA_MODULES") ?? "/opt/keepoperator/k8s-schema/node_modules";

    public static TheoryData<string, string> Matrix()
    {
        string[] values =
        [
            "",
            "metrics.enabled=false",
            "metrics.podMonitor.enabled=true,metrics.podMonitor.labels.release=prometheus",
            "metrics.grafanaDashboard.enabled=true,metrics.grafanaDashboard.namespace=monitoring,metrics.grafanaDashboard.annotations.grafana_folder=Network",
            "agent.securityContext.privileged=true",
            "operator.image.repository=registry.example/keepoperator,operator.image.tag=1.2,agent.image.tag=0.2.0,imagePullSecrets[0].name=pull",
            "agent.tolerations[0].key=dedicated,agent.tolerations[0].operator=Exists,agent.nodeSelector.lb=edge",
            "agent.secretNamespaces={net,keepoperator},operator.priorityClassName=system-cluster-critical,agent.priorityClassName=",
            "operator.replicas=1,operator.extraArgs={--workers,4},agent.logFormat=json,operator.podLabels.team=net",
        ];
        var data = new TheoryData<string, string>();
        foreach (var toolchain in new[] { HelmToolchain.Helm3.Name, HelmToolchain.Helm4.Name })
        {
            foreach (var set in values)
            {
                data.Add(toolchain, set);
            }
        }

        return data;
    }

    [SchemaTheory]
    [MemberData(nameof(Matrix))]
    public void Every_rendered_object_keeps_its_kubernetes_schema(string toolchain, string set)
    {
        var manifests = ChartRender.Template(HelmToolchain.Named(toolchain), set.Length == 0 ? [] : ["--set", set]);

        var (exit, output) = Validate(manifests);

        Assert.True(exit == 0, output);
        Assert.Contains("ok DaemonSet ", output, StringComparison.Ordinal);
        Assert.Contains("ok Deployment ", output, StringComparison.Ordinal);
    }

    [SchemaFact]
    public void The_validator_refuses_a_broken_object()
    {
        var (exit, output) = Validate("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: bad}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    spec:\n      containers: x\n");

        Assert.Equal(1, exit);
        Assert.Contains("invalid DaemonSet bad: data/spec/template/spec/containers must be array", output, StringComparison.Ordinal);
    }

    private static (int Exit, string Output) Validate(string manifests)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tools", "k8s-schema", "validate.mjs"));
        start.Environment["K8S_SCHEMA_MODULES"] = Modules;
        using var node = Process.Start(start)!;
        node.StandardInput.Write(manifests);
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        if (!node.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            node.Kill();
            throw new TimeoutException("validate.mjs did not finish in 60 s");
        }

        return (node.ExitCode, output.Result + error.Result);
    }

    internal static string? SkipReason =>
        HelmToolchain.Helm3.SkipReason ?? HelmToolchain.Helm4.SkipReason
        ?? (Directory.Exists(Path.Combine(Modules, "kubernetes-models")) ? null : $"{Modules} lacks kubernetes-models: run tools/install-deps.sh as root");
}

/// <summary>A [Theory] that needs both helms and the Kubernetes schemas; skipped, with the reason, where missing.</summary>
public sealed class SchemaTheoryAttribute : TheoryAttribute
{
    public SchemaTheoryAttribute() => Skip = ChartSchemaTests.SkipReason;
}

/// <summary>A [Fact] that needs the Kubernetes schemas; skipped, with the reason, where missing.</summary>
public sealed class SchemaFactAttribute : FactAttribute
{
    public SchemaFactAttribute() => Skip = ChartSchemaTests.SkipReason;
}
