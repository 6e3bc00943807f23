using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// The chart as the real <c>helm template</c> (Helm 3, from tools/install-deps.sh) renders it, release "ko" in
/// <see cref="Namespace"/>, with the optional parts switched on: the PodMonitor, the Grafana dashboard's ConfigMap,
/// and VRRP password Secrets in <see cref="SecretNamespace"/>.
/// </summary>
internal static class ChartRender
{
    public const string Namespace = "keepoperator";

    public const string SecretNamespace = "vrrp-secrets";

    private static readonly Lazy<IReadOnlyList<YamlMappingNode>> s_everything = new(() =>
        Documents(
        HelmToolchain.Helm3,
        "--set", "metrics.podMonitor.enabled=true",
        "--set", "metrics.grafanaDashboard.enabled=true",
        "--set", $"agent.secretNamespaces={{{SecretNamespace}}}"));

    /// <summary>Every document of the render with the optional parts on.</summary>
    public static IReadOnlyList<YamlMappingNode> Everything => s_everything.Value;

    /// <summary><c>helm template ko CHART --namespace keepoperator ARGS</c> with <paramref name="tools"/>; throws when helm fails.</summary>
    public static string Template(HelmToolchain tools, params string[] args)
    {
        var result = Run(tools, ["template", "ko", RepoPaths.Chart, "--namespace", Namespace, .. args]);
        return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException("helm template failed: " + result);
    }

    public static ToolResult Run(HelmToolchain tools, params string[] args)
    {
        var work = Directory.CreateTempSubdirectory("keepoperator-helm-").FullName;
        try
        {
            return tools.HelmAsync(work, null, args).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public static IReadOnlyList<YamlMappingNode> Documents(HelmToolchain tools, params string[] args)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Template(tools, args)));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static YamlMappingNode Single(this IReadOnlyList<YamlMappingNode> documents, string kind) =>
        documents.Single(d => YamlPath.Scalar(d, "kind") == kind);
}

/// <summary>A [Fact] that needs the real Helm 3; skipped, with the reason, where it is missing.</summary>
public sealed class HelmFactAttribute : FactAttribute
{
    public HelmFactAttribute() => Skip = HelmToolchain.Helm3.SkipReason;
}

/// <summary>A [Theory] that needs the real Helm 3 (or both, with <see cref="HelmToolchain.All"/> data); skipped where missing.</summary>
public sealed class HelmTheoryAttribute : TheoryAttribute
{
    public HelmTheoryAttribute() => Skip = HelmToolchain.Helm3.SkipReason ?? HelmToolchain.Helm4.SkipReason;
}
