using KeepOperator.Api;
using KeepOperator.Api.Pools;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>The informers' caches as the load-balancer reconciler reads them.</summary>
public interface ILoadBalancerView
{
    IReadOnlyList<LoadBalancerService> Services();

    IReadOnlyList<VirtualIpPool> Pools();

    IReadOnlyList<VirtualIp> VirtualIps();

    IReadOnlyList<VirtualServer> VirtualServers();

    /// <summary>The endpoints of the Services whose placement matters (externalTrafficPolicy Local), from their EndpointSlices.</summary>
    IReadOnlyList<ServiceEndpoint> Endpoints();

    /// <summary>Each namespace's labels, by name.</summary>
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels();
}
