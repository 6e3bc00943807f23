using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>The desired state: every node's NodeAgentConfig spec and every VirtualIp's and VirtualServer's plan.</summary>
public sealed record Plan(
    IReadOnlyDictionary<string, NodeAgentConfigSpec> NodeConfigs,
    IReadOnlyDictionary<string, VirtualIpPlan> VirtualIps)
{
    /// <summary>Every VirtualServer's plan, by "namespace/name".</summary>
    public IReadOnlyDictionary<string, VirtualServerPlan> VirtualServers { get; init; } = new Dictionary<string, VirtualServerPlan>();
}
