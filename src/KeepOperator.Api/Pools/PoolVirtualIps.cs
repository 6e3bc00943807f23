using System.Net;

namespace KeepOperator.Api.Pools;

/// <summary>What a pool's template makes of its addresses: the VirtualIp spec a Service's address is held with.</summary>
public static class PoolVirtualIps
{
    /// <summary>VRRPv3 unless the template says otherwise: v2 cannot carry IPv6, and v3 is what RFC 5798 asks for today.</summary>
    public const int DefaultVrrpVersion = 3;

    public static VirtualIpSpec Spec(VirtualIpTemplate? template, IReadOnlyList<IPAddress> addresses) => new()
    {
        Addresses = [.. addresses.Select(a => a.ToString())],
        VrrpVersion = template?.VrrpVersion ?? DefaultVrrpVersion,
        AdvertInterval = template?.AdvertInterval,
        NodeSelector = template?.NodeSelector is { } selector ? new(selector) : null,
        Interface = template?.Interface,
        DefaultPriority = template?.DefaultPriority,
        Preempt = template?.Preempt,
        Unicast = template?.Unicast is { } unicast ? new() { Peers = unicast.Peers is { } peers ? [.. peers] : null, SourceAddress = unicast.SourceAddress } : null,
    };
}
