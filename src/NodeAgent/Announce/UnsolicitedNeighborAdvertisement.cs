using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// An unsolicited Neighbor Advertisement (RFC 4861 4.4 / 7.2.6) as the ICMPv6 message only: type 136, code 0,
/// Router and Override set, Solicited clear, target = the VIP, one Target Link-Layer Address option with the MAC.
/// Router is set because the VIP belongs to a virtual router: RFC 5798 6.4.2 has the new Master send, per IPv6
/// address, an unsolicited NA with the Router flag (FRR's vrrpd sets R and O too); a neighbour that saw R clear would
/// set IsRouter false for the VIP and drop it from its default router list (RFC 4861 7.2.5).
/// 32 bytes. The checksum is left 0: a raw ICMPv6 socket has the kernel compute it over the real IPv6 addresses.
/// Send it to ff02::1 with hop limit 255.
/// </summary>
public static class UnsolicitedNeighborAdvertisement
{
    public const int Length = 4 + 4 + 16 + 8;
    public const byte IcmpTypeNeighborAdvertisement = 136;
    public const byte FlagRouter = 0x80;
    public const byte FlagSolicited = 0x40;
    public const byte FlagOverride = 0x20;
    public const byte OptionTargetLinkLayerAddress = 2;

    /// <summary>Writes the message to the start of <paramref name="destination"/> and returns its length.</summary>
    public static int Build(PhysicalAddress mac, IPAddress target, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(mac);
        ArgumentNullException.ThrowIfNull(target);
        if (target.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"Neighbor advertisements are for IPv6 addresses, not {target}.", nameof(target));
        }
        ReadOnlySpan<byte> hardware = mac.GetAddressBytes();
        if (hardware.Length != 6)
        {
            throw new ArgumentException($"Need a 6-byte Ethernet address, got {hardware.Length} bytes.", nameof(mac));
        }
        if (destination.Length < Length)
        {
            throw new ArgumentException($"Need {Length} bytes.", nameof(destination));
        }
        var message = destination[..Length];
        message.Clear();
        message[0] = IcmpTypeNeighborAdvertisement;      // code 0, checksum 0 (kernel fills it)
        message[4] = FlagRouter | FlagOverride;          // R=1, S=0, O=1, reserved
        target.TryWriteBytes(message[8..], out _);       // target address
        message[24] = OptionTargetLinkLayerAddress;
        message[25] = 1;                                 // option length in units of 8 bytes
        hardware.CopyTo(message[26..]);
        return Length;
    }
}
