using KeepOperator.Api;
using KeepOperator.Api.Pools;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>The load-balancer reconciler's writes. Failures throw; the work queue retries with backoff.</summary>
public interface ILoadBalancerWriter
{
    Task CreateVirtualIpAsync(VirtualIp vip, CancellationToken cancellationToken);

    /// <summary>Sets <paramref name="desired"/>'s spec, labels and annotations on <paramref name="existing"/>.</summary>
    Task UpdateVirtualIpAsync(VirtualIp existing, VirtualIp desired, CancellationToken cancellationToken);

    Task DeleteVirtualIpAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="desired"/>, or sets its spec, labels and annotations on <paramref name="existing"/>.</summary>
    Task WriteVirtualServerAsync(VirtualServer? existing, VirtualServer desired, CancellationToken cancellationToken);

    Task DeleteVirtualServerAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>status.loadBalancer.ingress of the Service (empty clears it).</summary>
    Task WriteIngressAsync(LoadBalancerService service, IReadOnlyList<ServiceIngress> ingress, CancellationToken cancellationToken);

    Task WritePoolStatusAsync(VirtualIpPool pool, VirtualIpPoolStatus status, CancellationToken cancellationToken);
}
