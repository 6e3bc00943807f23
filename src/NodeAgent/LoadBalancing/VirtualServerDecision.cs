using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>What one virtual server programs for a given health of its real servers.</summary>
/// <param name="Server">The service and the destinations to program.</param>
/// <param name="QuorumUp">The quorum state to carry into the next decision (hysteresis).</param>
/// <param name="Weights">Per configured real server (same order): the weight programmed, or null when it is not programmed.</param>
/// <param name="SorryServerActive">True while the sorry server stands in.</param>
public sealed record VirtualServerDecision(LoadBalancedService Server, bool QuorumUp, IReadOnlyList<int?> Weights, bool SorryServerActive);
