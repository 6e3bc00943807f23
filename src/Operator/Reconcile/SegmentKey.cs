using System.Net.Sockets;
using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// One L2 segment as far as VRIDs go: VirtualIps on the same interface name (or both on the default one) and of the
/// same address family share the VRID space, since their adverts meet on the same wire (IPv4 and IPv6 VRRP are
/// separate protocols with separate VRID spaces).
/// </summary>
public sealed record SegmentKey(string Interface, AddressFamily Family)
{
    public static SegmentKey Of(VirtualIpSpec spec)
    {
        var family = spec.Addresses.Count > 0 && VirtualIpValidator.TryParseAddress(spec.Addresses[0], out var address, out _, out _)
            ? address.AddressFamily
            : AddressFamily.InterNetwork;
        return new SegmentKey(spec.Interface ?? "", family);
    }

    public override string ToString() =>
        $"{(Interface.Length == 0 ? "default interface" : "interface " + Interface)} ({(Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")})";
}
