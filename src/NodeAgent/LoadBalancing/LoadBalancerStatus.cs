using KeepOperator.Api;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>What the load balancer reports: each virtual server's real servers, and why NAT cannot work if it cannot.</summary>
/// <param name="ForwardingProblems">One sentence per address family whose IP forwarding is off while NAT virtual servers need it.</param>
public sealed record LoadBalancerStatus(IReadOnlyList<NodeVirtualServerStatus> VirtualServers, IReadOnlyList<string> ForwardingProblems)
{
    public static LoadBalancerStatus Empty { get; } = new([], []);
}
