using System.Net;
using System.Net.Sockets;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>
/// What one Service of type LoadBalancer asks of the pools, read from its spec and annotations.
/// <paramref name="Families"/> in the Service's order (spec.ipFamilies); <paramref name="RequireAllFamilies"/> for
/// RequireDualStack, while PreferDualStack takes what the chosen pool has; <paramref name="Requested"/> from
/// keepoperator.io/loadBalancerIPs or spec.loadBalancerIP; <paramref name="Pool"/> from keepoperator.io/address-pool;
/// <paramref name="SharingKey"/> from keepoperator.io/allow-shared-ip; <see cref="BackendKey"/> from <see cref="LocalTrafficPolicy.BackendKey"/>.
/// </summary>
public sealed record AddressRequest(
    string Key,
    string Namespace,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> NamespaceLabels,
    IReadOnlyList<AddressFamily> Families,
    bool RequireAllFamilies,
    IReadOnlyList<IPAddress> Requested,
    string? Pool,
    string? SharingKey,
    IReadOnlySet<ServicePortKey> Ports)
{
    /// <summary>Services sharing an address must have the same one (null for externalTrafficPolicy Cluster).</summary>
    public string? BackendKey { get; init; }
}
