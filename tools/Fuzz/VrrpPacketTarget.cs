using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.Fuzz;

/// <summary>
/// A received datagram, from its IP header to the instance's receive checks: <see cref="Ipv4Header"/> or
/// <see cref="Ipv6Header"/>, the agent's pick of the instance by VRID, <see cref="VrrpPacketCodec.TryDecode"/>, then
/// <see cref="VrrpReceiveFilter.Check"/> and <see cref="VrrpReceiveFilter.ToAdvertisement"/>. The outcome is the
/// <see cref="VrrpDropReason"/> (or <c>NotIpDatagram</c>).
/// <para>
/// Input: one flags byte, then the datagram. The flags let a mutation get past the checksums, which random changes
/// almost never satisfy: <see cref="RepairIpHeader"/> rewrites the IP length fields and the IPv4 header checksum,
/// <see cref="RepairVrrpChecksum"/> the VRRP checksum (standard computation). Seeds come with and without them.
/// </para>
/// </summary>
public sealed class VrrpPacketTarget : IFuzzTarget
{
    public const byte RepairIpHeader = 1;
    public const byte RepairVrrpChecksum = 2;

    public const string NotIpDatagram = "NotIpDatagram";

    /// <summary>The instances of the golden captures (tests/NodeAgent.Tests/Vrrp/Codec/Golden), as one agent would run them.</summary>
    private static readonly Dictionary<byte, VrrpReceiveFilter> Instances = new()
    {
        [51] = new(VrrpVersion.V2, 51, "secret12", TimeSpan.FromSeconds(1)),
        [52] = new(VrrpVersion.V2, 52, null, TimeSpan.FromSeconds(2)),
        [53] = new(VrrpVersion.V3, 53, null, TimeSpan.FromSeconds(1)),
        [54] = new(VrrpVersion.V3, 54, null, TimeSpan.FromMilliseconds(50)),
        [55] = new(VrrpVersion.V3, 55, null, TimeSpan.FromSeconds(1)),
        [56] = new(VrrpVersion.V3, 56, null, TimeSpan.FromSeconds(1)),
    };

    public string Name => "vrrp-packet";

    public IReadOnlyList<byte[]> Dictionary { get; } =
    [
        [0x21], [0x31], [0x45], [0x60], [0xff], [0x70], [0x00, 0x00], [0xff, 0xff], [0x0f, 0xff],
        [224, 0, 0, 18], [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12], [.."secret12"u8],
    ];

    public IEnumerable<byte[]> SeedsFrom(string path)
    {
        foreach (var datagram in HexLines.Read(path))
        {
            yield return [0, .. datagram];
            yield return [RepairIpHeader | RepairVrrpChecksum, .. datagram];
        }
    }

    public string Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return NotIpDatagram;
        }

        var datagram = input[1..].ToArray();
        if ((input[0] & RepairIpHeader) != 0)
        {
            RepairLengths(datagram);
        }

        IPAddress source, destination;
        int ttl;
        int headerLength;
        if (Ipv4Header.TryParse(datagram, out var v4, out var payload4))
        {
            (source, destination, ttl, headerLength) = (v4.Source, v4.Destination, v4.Ttl, v4.HeaderLength);
            FuzzOutcome.Require(v4.HeaderLength + payload4.Length == datagram.Length, "the IPv4 payload is what follows the header");
        }
        else if (Ipv6Header.TryParse(datagram, out var v6, out var payload6))
        {
            (source, destination, ttl, headerLength) = (v6.Source, v6.Destination, v6.HopLimit, Ipv6Header.Length);
            FuzzOutcome.Require(payload6.Length == v6.PayloadLength, "the IPv6 payload is as long as the header says");
        }
        else
        {
            return NotIpDatagram;
        }

        var message = datagram.AsSpan(headerLength);
        if ((input[0] & RepairVrrpChecksum) != 0)
        {
            RepairChecksum(message, source, destination);
        }

        // The agent picks the instance by the VRID byte before decoding, so that it can count a bad packet against it.
        if (message.Length < 2 || !Instances.TryGetValue(message[1], out var instance))
        {
            return nameof(VrrpDropReason.UnknownVirtualRouter);
        }

        if (!VrrpPacketCodec.TryDecode(message, source, destination, ttl, out var packet, out var reason))
        {
            FuzzOutcome.Require(reason != VrrpDropReason.None, "a rejected packet has a reason");
            return reason.ToString();
        }

        FuzzOutcome.Require(reason == VrrpDropReason.None, "an accepted packet has no drop reason");
        FuzzOutcome.Require(packet.Addresses.Count == packet.AddressCount, "Count IP Addrs matches the addresses decoded");
        FuzzOutcome.Require(packet.MessageLength == message.Length, "the decoded fields imply the message's length");
        RequireReencodes(packet, message, source, destination);

        var verdict = instance.Check(packet, source);
        if (verdict != VrrpDropReason.None)
        {
            return verdict.ToString();
        }

        var advert = VrrpReceiveFilter.ToAdvertisement(packet, source);
        FuzzOutcome.Require(advert.VirtualRouterId == message[1] && advert.Addresses.Count == message[3], "the advertisement carries the packet's VRID and addresses");
        return FuzzOutcome.Accepted;
    }

    /// <summary>Sets the IPv4 total length (and header checksum) or the IPv6 payload length to the datagram's own.</summary>
    private static void RepairLengths(Span<byte> datagram)
    {
        if (datagram.Length >= Ipv4Header.MinimumLength && datagram[0] >> 4 == 4 && datagram.Length <= ushort.MaxValue)
        {
            int headerLength = Math.Clamp((datagram[0] & 0x0F) * 4, Ipv4Header.MinimumLength, datagram.Length);
            BinaryPrimitives.WriteUInt16BigEndian(datagram[2..], (ushort)datagram.Length);
            datagram[10] = 0;
            datagram[11] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(datagram[10..], InternetChecksum.Complement(InternetChecksum.Add(0, datagram[..headerLength])));
        }
        else if (datagram.Length >= Ipv6Header.Length && datagram[0] >> 4 == 6 && datagram.Length - Ipv6Header.Length <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(datagram[4..], (ushort)(datagram.Length - Ipv6Header.Length));
        }
    }

    private static void RepairChecksum(Span<byte> message, IPAddress source, IPAddress destination)
    {
        if (message.Length < VrrpProtocol.HeaderLength || message[0] >> 4 is not ((int)VrrpVersion.V2 or (int)VrrpVersion.V3))
        {
            return;
        }

        message[6] = 0;
        message[7] = 0;
        var checksum = VrrpPacketCodec.ComputeChecksum(message, (VrrpVersion)(message[0] >> 4), source, destination, VrrpChecksumVariant.Standard);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], checksum);
    }

    /// <summary>
    /// A v3 packet the encoder can express (an interval of at least 10 ms, reserved bits zero) encodes back to the same
    /// bytes: the decoder read every field the way the encoder writes it.
    /// </summary>
    private static void RequireReencodes(in VrrpPacket packet, ReadOnlySpan<byte> message, IPAddress source, IPAddress destination)
    {
        if (packet.Version != VrrpVersion.V3 || message[4] >> 4 != 0 || packet.AdvertInterval == TimeSpan.Zero)
        {
            return;
        }

        var buffer = new byte[message.Length];
        int length = VrrpPacketCodec.Encode(
            packet.Version, packet.VirtualRouterId, packet.Priority, packet.AdvertInterval, packet.Addresses, null, source, destination, buffer,
            packet.AddressFamily == AddressFamily.InterNetwork ? packet.ChecksumVariant : VrrpChecksumVariant.Standard);
        FuzzOutcome.Require(buffer.AsSpan(0, length).SequenceEqual(message), "a decoded v3 packet encodes back to the same bytes");
    }
}
