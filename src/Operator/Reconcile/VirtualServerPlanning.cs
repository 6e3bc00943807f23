using KeepOperator.Api.Services;

namespace KeepOperator.Operator.Reconcile;

/// <summary>Every VirtualServer's plan ("namespace/name" keys) and what each node gets of them.</summary>
public sealed record VirtualServerPlanning(
    IReadOnlyDictionary<string, VirtualServerPlan> Plans,
    IReadOnlyDictionary<string, List<VirtualServerInstance>> PerNode)
{
    /// <summary>The node's spec.virtualServers: null (absent) when it serves none, so configs without any stay as they were.</summary>
    public List<VirtualServerInstance>? ForNode(string node) => PerNode.GetValueOrDefault(node);
}
