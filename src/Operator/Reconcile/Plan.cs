using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>The desired state: every node's NodeAgentConfig spec and every VirtualIp's plan.</summary>
public sealed record Plan(
    IReadOnlyDictionary<string, NodeAgentConfigSpec> NodeConfigs,
    IReadOnlyDictionary<string, VirtualIpPlan> VirtualIps);
