using System.Net;
using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// A decoded VRRP advertisement together with what the IP layer told us about it.
/// <see cref="MaxAdvertInterval"/> is the advertised interval: whole seconds for v2, centiseconds for v3.
/// </summary>
public sealed record VrrpAdvertisement(
    VrrpVersion Version,
    byte VirtualRouterId,
    byte Priority,
    TimeSpan MaxAdvertInterval,
    IReadOnlyList<IPAddress> Addresses,
    IPAddress Source);
