using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// A gratuitous ARP as keepalived sends it: an Ethernet broadcast carrying an ARP request whose sender and target
/// protocol addresses are both the VIP, sender hardware address the interface's MAC, target hardware address
/// ff:ff:ff:ff:ff:ff. 42 bytes (the driver pads to the 60-byte minimum).
/// </summary>
public static class GratuitousArpFrame
{
    public const int Length = 14 + 28;
    public const ushort EtherTypeArp = 0x0806;

    /// <summary>Writes the frame to the start of <paramref name="destination"/> and returns its length.</summary>
    public static int Build(PhysicalAddress mac, IPAddress vip, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(mac);
        ArgumentNullException.ThrowIfNull(vip);
        if (vip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"Gratuitous ARP is for IPv4 addresses, not {vip}.", nameof(vip));
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
        var frame = destination[..Length];
        frame[..6].Fill(0xff);                                     // Ethernet destination: broadcast
        hardware.CopyTo(frame[6..]);                               // Ethernet source
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], EtherTypeArp);
        BinaryPrimitives.WriteUInt16BigEndian(frame[14..], 1);     // hardware type: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(frame[16..], 0x0800); // protocol type: IPv4
        frame[18] = 6;                                             // hardware address length
        frame[19] = 4;                                             // protocol address length
        BinaryPrimitives.WriteUInt16BigEndian(frame[20..], 1);     // opcode: request
        hardware.CopyTo(frame[22..]);                              // sender hardware address
        vip.TryWriteBytes(frame[28..], out _);                     // sender protocol address
        frame.Slice(32, 6).Fill(0xff);                             // target hardware address
        vip.TryWriteBytes(frame[38..], out _);                     // target protocol address
        return Length;
    }
}
