using KeepOperator.Tests.Shared;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// The operator's and the agent's command line and environment exactly as the chart renders them (the real
/// <c>helm template</c>, release "ko" in <see cref="Namespace"/>), for <see cref="EndToEndCluster"/> to run in the lab.
/// The downward API's values are filled in as the kubelet would: metadata.name with a pod name, spec.nodeName with
/// the node's name. What a pod gets from its ServiceAccount (the API server and a token) comes as KUBECONFIG.
/// </summary>
public sealed class ChartCommands
{
    public const string Namespace = "keepoperator";

    private ChartCommands(Container operatorContainer, Container agentContainer)
    {
        Operator = operatorContainer;
        Agent = agentContainer;
    }

    public Container Operator { get; }

    public Container Agent { get; }

    /// <summary>One rendered container: its args, and its env as (name, value) or (name, fieldRef path).</summary>
    public sealed record Container(IReadOnlyList<string> Args, IReadOnlyList<(string Name, string? Value, string? FieldPath)> Env)
    {
        /// <summary>NAME=VALUE pairs for env(1), downward API fields resolved by <paramref name="field"/>.</summary>
        public IEnumerable<string> Environment(Func<string, string> field) =>
            Env.Select(e => $"{e.Name}={e.Value ?? field(e.FieldPath!)}");
    }

    public static ChartCommands Render()
    {
        var work = Directory.CreateTempSubdirectory("keepoperator-chart-").FullName;
        try
        {
            var result = HelmToolchain.Helm3.HelmAsync(work, null, "template", "ko", RepoPaths.Chart, "--namespace", Namespace).GetAwaiter().GetResult();
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException("helm template failed: " + result);
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(result.Stdout));
            var documents = stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
            return new ChartCommands(ContainerOf(documents, "Deployment"), ContainerOf(documents, "DaemonSet"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Container ContainerOf(List<YamlMappingNode> documents, string kind)
    {
        var workload = documents.Single(d => Scalar(d, "kind") == kind);
        var container = (YamlMappingNode)((YamlSequenceNode)At(At(At(workload, "spec"), "template"), "spec")["containers"]).Children[0];
        var args = ((YamlSequenceNode)container["args"]).Children.Select(a => ((YamlScalarNode)a).Value ?? "").ToList();
        var env = container.Children.TryGetValue(new YamlScalarNode("env"), out var list)
            ? ((YamlSequenceNode)list).Children.Cast<YamlMappingNode>().Select(e => (
                Scalar(e, "name")!,
                Scalar(e, "value"),
                e.Children.TryGetValue(new YamlScalarNode("valueFrom"), out var from) ? Scalar(At((YamlMappingNode)from, "fieldRef"), "fieldPath") : null)).ToList()
            : [];
        return new Container(args, env);
    }

    private static YamlMappingNode At(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;
}
