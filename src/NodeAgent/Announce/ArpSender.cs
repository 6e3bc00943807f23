using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// Who an ARP packet (request or reply, Ethernet and IPv4, as an AF_PACKET datagram socket hands it over without the
/// Ethernet header) says it is: its sender protocol and hardware addresses. A gratuitous ARP is one that names a VIP.
/// </summary>
public readonly record struct ArpSender(IPAddress Address, PhysicalAddress Mac)
{
    private const int Length = 28;

    /// <summary>The sender of an Ethernet/IPv4 ARP request or reply; false for anything else or too short.</summary>
    public static bool TryRead(ReadOnlySpan<byte> arp, out ArpSender sender)
    {
        sender = default;
        if (arp.Length < Length
            || BinaryPrimitives.ReadUInt16BigEndian(arp) != 1 // hardware type Ethernet
            || BinaryPrimitives.ReadUInt16BigEndian(arp[2..]) != 0x0800 // protocol IPv4
            || arp[4] != 6 || arp[5] != 4
            || BinaryPrimitives.ReadUInt16BigEndian(arp[6..]) is not (1 or 2))
        {
            return false;
        }

        sender = new ArpSender(new IPAddress(arp.Slice(14, 4)), new PhysicalAddress(arp.Slice(8, 6).ToArray()));
        return true;
    }
}
