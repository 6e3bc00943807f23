using System.Buffers.Binary;
using System.Net;

namespace KeepOperator.NodeAgent.Vrrp.Transport;

/// <summary>
/// The few IPv4 header fields the raw VRRP socket needs from a received datagram (Linux raw IPv4 sockets deliver
/// the header; total length stays in network byte order). Not a general IPv4 parser.
/// </summary>
internal readonly record struct Ipv4HeaderView(int HeaderLength, int PayloadLength, byte Ttl, byte Protocol, IPAddress Source, IPAddress Destination)
{
    public const int MinimumLength = 20;

    /// <summary>Reads the header at the start of <paramref name="datagram"/>; false when it is not a sane IPv4 header.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out Ipv4HeaderView header)
    {
        header = default;
        if (datagram.Length < MinimumLength || (datagram[0] >> 4) != 4)
        {
            return false;
        }
        int headerLength = (datagram[0] & 0x0f) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (headerLength < MinimumLength || headerLength > datagram.Length || totalLength < headerLength)
        {
            return false;
        }
        int end = Math.Min(totalLength, datagram.Length);
        header = new Ipv4HeaderView(
            headerLength,
            end - headerLength,
            datagram[8],
            datagram[9],
            new IPAddress(datagram.Slice(12, 4)),
            new IPAddress(datagram.Slice(16, 4)));
        return true;
    }
}
