using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace KeepOperator.Api.Instances;

/// <summary>
/// The virtual MAC macvlan of one instance. Its MAC is not stored: it follows from the VRID and the family
/// (<see cref="VirtualRouterMac"/>, RFC 5798 7.3).
/// </summary>
public sealed record VmacSettings
{
    /// <summary>The macvlan's interface name.</summary>
    public required string InterfaceName { get; init; }

    /// <summary>keepalived's defaults: "vrrp.VRID" for IPv4, "vrrp6.VRID" for IPv6.</summary>
    public static VmacSettings For(VirtualMac vmac, int virtualRouterId, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(vmac);
        bool v6 = family == AddressFamily.InterNetworkV6;
        return new VmacSettings
        {
            InterfaceName = vmac.InterfaceName ?? (v6 ? "vrrp6." : "vrrp.") + virtualRouterId,
        };
    }

    /// <summary>00-00-5E-00-01-VRID (IPv4) or 00-00-5E-00-02-VRID (IPv6).</summary>
    public static PhysicalAddress VirtualRouterMac(int virtualRouterId, AddressFamily family)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualRouterId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(virtualRouterId, 255);
        return new PhysicalAddress([0x00, 0x00, 0x5E, 0x00, family == AddressFamily.InterNetworkV6 ? (byte)0x02 : (byte)0x01, (byte)virtualRouterId]);
    }
}
