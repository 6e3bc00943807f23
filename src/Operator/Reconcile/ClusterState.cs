using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// The inputs of a plan, read from the informers' caches. Secrets appear only as the keys they hold
/// ("namespace/name" → key names): the operator checks that a password exists, never what it is.
/// </summary>
public sealed record ClusterState(
    IReadOnlyList<VirtualIp> VirtualIps,
    IReadOnlyList<NodeInfo> Nodes,
    IReadOnlyDictionary<string, IReadOnlySet<string>> SecretKeys)
{
    public VirtualServerInputs VirtualServerInputs { get; init; } = VirtualServerInputs.None;
    /// <summary>The pods the VirtualIps' pods tracks read.</summary>
    public IReadOnlyList<PodInfo> Pods { get; init; } = [];

    /// <summary>Routers the agents heard for VRIDs they do not run (foreign routers, and this cluster's own on nodes outside a VirtualIp).</summary>
    public IReadOnlyList<HeardRouter> HeardRouters { get; init; } = [];
}
