using KeepOperator.Api;
using KeepOperator.Api.Pools;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>
/// The desired state for Services of type LoadBalancer: the VirtualIps their addresses need (one per address, by name),
/// each Service's outcome (by "namespace/name"), the managed VirtualIps no Service needs any more, the Services whose
/// ingress we wrote but no longer serve, each pool's status, and the VirtualServers of Proxy-mode Services.
/// </summary>
public sealed record LoadBalancerPlan(
    IReadOnlyDictionary<string, VirtualIp> VirtualIps,
    IReadOnlyDictionary<string, ServiceLoadBalancing> Services,
    IReadOnlyList<string> VirtualIpsToDelete,
    IReadOnlyList<string> IngressToClear,
    IReadOnlyDictionary<string, VirtualIpPoolStatus> Pools)
{
    /// <summary>For Services whose pool's ipMode is Proxy: one VirtualServer per Service port over its ready endpoints, by "namespace/name".</summary>
    public IReadOnlyDictionary<string, VirtualServer> VirtualServers { get; init; } = new Dictionary<string, VirtualServer>();
}
