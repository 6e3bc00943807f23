using System.Buffers.Binary;
using System.Net;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// The fixed 40-byte IPv6 header, for captures and packet sockets (raw IPv6 sockets do not hand it back: there the
/// hop limit comes from the IPV6_HOPLIMIT control message). Extension headers are not walked: <see cref="NextHeader"/>
/// says what the payload starts with.
/// </summary>
public readonly struct Ipv6Header
{
    public const int Length = 40;

    public byte TrafficClass { get; init; }

    public int FlowLabel { get; init; }

    public int PayloadLength { get; init; }

    public byte NextHeader { get; init; }

    public byte HopLimit { get; init; }

    public IPAddress Source { get; init; }

    public IPAddress Destination { get; init; }

    /// <summary>
    /// Parses the fixed header of one whole IPv6 packet and slices its payload. False (never throws) unless: at least 40
    /// bytes, version 6, payload length equal to what follows the header.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out Ipv6Header header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (packet.Length < Length || packet[0] >> 4 != 6)
        {
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (payloadLength != packet.Length - Length)
        {
            return false;
        }

        uint first = BinaryPrimitives.ReadUInt32BigEndian(packet);
        header = new Ipv6Header
        {
            TrafficClass = (byte)(first >> 20),
            FlowLabel = (int)(first & 0xFFFFF),
            PayloadLength = payloadLength,
            NextHeader = packet[6],
            HopLimit = packet[7],
            Source = new IPAddress(packet.Slice(8, 16)),
            Destination = new IPAddress(packet.Slice(24, 16)),
        };
        payload = packet[Length..];
        return true;
    }
}
