using System.Net;
using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>Everything the pure state machine needs to know about one VRRP instance on this node.</summary>
/// <param name="Priority">Configured priority, 1-255 (255: address owner). The effective priority may differ (tracking).</param>
/// <param name="AdvertInterval">Configured advertisement interval (v2: whole seconds; v3: centisecond resolution).</param>
/// <param name="PrimaryAddress">The address advertisements go from: the interface's primary (IPv6: link-local) address, or the unicast source; breaks priority ties (higher wins).</param>
/// <param name="UnicastPeers">Null: multicast. Else the peers advertisements go to, and the only sources accepted.</param>
public sealed record VrrpRouterConfig(
    string Name,
    VrrpVersion Version,
    byte VirtualRouterId,
    byte Priority,
    TimeSpan AdvertInterval,
    bool Preempt,
    TimeSpan PreemptDelay,
    IPAddress PrimaryAddress,
    IReadOnlyList<IPAddress> VirtualAddresses,
    IReadOnlyList<IPAddress>? UnicastPeers = null);
