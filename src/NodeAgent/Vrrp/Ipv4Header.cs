using System.Buffers.Binary;
using System.Net;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// An IPv4 header as a Linux raw IPv4 socket hands it back in front of each datagram (fields in network order on the
/// wire; options allowed, skipped).
/// </summary>
public readonly struct Ipv4Header
{
    public const int MinimumLength = 20;

    /// <summary>IHL * 4: where the payload starts.</summary>
    public int HeaderLength { get; init; }

    /// <summary>The TOS / DSCP+ECN byte (keepalived sends 0xc0, network control).</summary>
    public byte TypeOfService { get; init; }

    /// <summary>Header plus payload, as the header states it (it equals the datagram's length once parsed).</summary>
    public int TotalLength { get; init; }

    public ushort Identification { get; init; }

    /// <summary>The Don't Fragment flag.</summary>
    public bool DontFragment { get; init; }

    public byte Ttl { get; init; }

    public byte Protocol { get; init; }

    public ushort HeaderChecksum { get; init; }

    public IPAddress Source { get; init; }

    public IPAddress Destination { get; init; }

    /// <summary>
    /// Parses the header of one whole IPv4 datagram and slices its payload. False (never throws) unless: at least 20
    /// bytes, version 4, IHL at least 5 and within the datagram, total length equal to the datagram's length (what the
    /// kernel hands a raw socket), not a fragment (the kernel reassembles before raw delivery), header checksum verifies.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out Ipv4Header header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (datagram.Length < MinimumLength || datagram[0] >> 4 != 4)
        {
            return false;
        }

        int headerLength = (datagram[0] & 0x0F) * 4;
        if (headerLength < MinimumLength || headerLength > datagram.Length)
        {
            return false;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (totalLength != datagram.Length)
        {
            return false;
        }

        ushort flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]);
        bool moreFragments = (flagsAndOffset & 0x2000) != 0;
        if (moreFragments || (flagsAndOffset & 0x1FFF) != 0)
        {
            return false;
        }

        if (!InternetChecksum.Verifies(InternetChecksum.Add(0, datagram[..headerLength])))
        {
            return false;
        }

        header = new Ipv4Header
        {
            HeaderLength = headerLength,
            TypeOfService = datagram[1],
            TotalLength = totalLength,
            Identification = BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]),
            DontFragment = (flagsAndOffset & 0x4000) != 0,
            Ttl = datagram[8],
            Protocol = datagram[9],
            HeaderChecksum = BinaryPrimitives.ReadUInt16BigEndian(datagram[10..]),
            Source = new IPAddress(datagram.Slice(12, 4)),
            Destination = new IPAddress(datagram.Slice(16, 4)),
        };
        payload = datagram[headerLength..totalLength];
        return true;
    }
}
