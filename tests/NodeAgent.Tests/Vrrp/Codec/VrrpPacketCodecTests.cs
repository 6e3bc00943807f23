using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp.Codec;

public sealed class VrrpPacketCodecTests
{
    private static readonly IPAddress Src4 = IPAddress.Parse("10.77.9.1");
    private static readonly IPAddress Peer4 = IPAddress.Parse("10.77.9.2");
    private static readonly IPAddress Src6 = IPAddress.Parse("fe80::77:9ff:fe00:1");
    private static readonly IPAddress Vip4 = IPAddress.Parse("10.77.9.100");
    private static readonly IPAddress Vip6 = IPAddress.Parse("fd77:9::250");

    private static byte[] Encode(
        VrrpVersion version,
        IPAddress source,
        IPAddress destination,
        IPAddress[] addresses,
        string? password = null,
        TimeSpan? interval = null,
        VrrpChecksumVariant variant = VrrpChecksumVariant.Standard)
    {
        var buffer = new byte[2048];
        int length = VrrpPacketCodec.Encode(
            version, 51, 100, interval ?? TimeSpan.FromSeconds(1), addresses, password, source, destination, buffer, variant);
        return buffer[..length];
    }

    private static byte[] V2() => Encode(VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4, [Vip4], "secret12");

    private static byte[] V3v4() => Encode(VrrpVersion.V3, Src4, VrrpProtocol.MulticastGroupV4, [Vip4]);

    private static byte[] V3v6() => Encode(VrrpVersion.V3, Src6, VrrpProtocol.MulticastGroupV6, [Vip6]);

    private static VrrpDropReason Decode(byte[] message, IPAddress source, IPAddress destination, int ttl = 255)
    {
        bool ok = VrrpPacketCodec.TryDecode(message, source, destination, ttl, out _, out var reason);
        Assert.Equal(ok, reason == VrrpDropReason.None);
        return reason;
    }

    /// <summary>Rewrites the checksum so that only the field under test is wrong.</summary>
    private static byte[] Rechecksum(byte[] message, VrrpVersion version, IPAddress source, IPAddress destination)
    {
        message[6] = 0;
        message[7] = 0;
        ulong sum = 0;
        for (int i = 0; i + 1 < message.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(i));
        }

        if (version == VrrpVersion.V3)
        {
            var pseudo = new List<byte>();
            pseudo.AddRange(source.GetAddressBytes());
            pseudo.AddRange(destination.GetAddressBytes());
            if (source.AddressFamily == AddressFamily.InterNetwork)
            {
                pseudo.AddRange([0, 112, (byte)(message.Length >> 8), (byte)message.Length]);
            }
            else
            {
                pseudo.AddRange([0, 0, (byte)(message.Length >> 8), (byte)message.Length, 0, 0, 0, 112]);
            }

            for (int i = 0; i < pseudo.Count; i += 2)
            {
                sum += (ulong)((pseudo[i] << 8) | pseudo[i + 1]);
            }
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), (ushort)~sum);
        return message;
    }

    [Fact]
    public void Valid_packets_decode()
    {
        Assert.Equal(VrrpDropReason.None, Decode(V2(), Src4, VrrpProtocol.MulticastGroupV4));
        Assert.Equal(VrrpDropReason.None, Decode(V3v4(), Src4, VrrpProtocol.MulticastGroupV4));
        Assert.Equal(VrrpDropReason.None, Decode(V3v6(), Src6, VrrpProtocol.MulticastGroupV6));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void Shorter_than_the_header_is_TooShort(int length)
    {
        Assert.Equal(VrrpDropReason.TooShort, Decode(V3v4()[..length], Src4, VrrpProtocol.MulticastGroupV4));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(254)]
    [InlineData(256)]
    [InlineData(-1)]
    public void Multicast_with_ttl_other_than_255_is_Ttl(int ttl)
    {
        Assert.Equal(VrrpDropReason.Ttl, Decode(V2(), Src4, VrrpProtocol.MulticastGroupV4, ttl));
        Assert.Equal(VrrpDropReason.Ttl, Decode(V3v4(), Src4, VrrpProtocol.MulticastGroupV4, ttl));
        Assert.Equal(VrrpDropReason.Ttl, Decode(V3v6(), Src6, VrrpProtocol.MulticastGroupV6, ttl));
    }

    [Fact]
    public void Any_multicast_destination_gets_the_ttl_rule_unicast_does_not()
    {
        var other = IPAddress.Parse("239.1.2.3");
        var message = Encode(VrrpVersion.V3, Src4, other, [Vip4]);
        Assert.Equal(VrrpDropReason.Ttl, Decode(message, Src4, other, 64));
        Assert.Equal(VrrpDropReason.None, Decode(message, Src4, other, 255));

        var unicast = Encode(VrrpVersion.V3, Src4, Peer4, [Vip4]);
        Assert.Equal(VrrpDropReason.None, Decode(unicast, Src4, Peer4, 64));
        var unicastV2 = Encode(VrrpVersion.V2, Src4, Peer4, [Vip4]);
        Assert.Equal(VrrpDropReason.None, Decode(unicastV2, Src4, Peer4, 1));
        var peer6 = IPAddress.Parse("fe80::77:9ff:fe00:2");
        var unicast6 = Encode(VrrpVersion.V3, Src6, peer6, [Vip6]);
        Assert.Equal(VrrpDropReason.None, Decode(unicast6, Src6, peer6, 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(15)]
    public void Other_versions_are_Version(int version)
    {
        var message = V3v4();
        message[0] = (byte)((version << 4) | 1);
        Assert.Equal(VrrpDropReason.Version, Decode(Rechecksum(message, VrrpVersion.V3, Src4, VrrpProtocol.MulticastGroupV4), Src4, VrrpProtocol.MulticastGroupV4));
    }

    [Fact]
    public void V2_over_IPv6_is_Version()
    {
        // A v2-shaped message (header, one IPv6 address, 8 auth bytes) from an IPv6 source.
        var message = V3v6().Concat(new byte[8]).ToArray();
        message[0] = 0x21;
        Assert.Equal(VrrpDropReason.Version, Decode(message, Src6, VrrpProtocol.MulticastGroupV6));
        Assert.Equal(VrrpDropReason.Version, Decode(V2(), Src6, VrrpProtocol.MulticastGroupV6));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(15)]
    public void Other_types_are_Type(int type)
    {
        var message = V2();
        message[0] = (byte)(0x20 | type);
        Assert.Equal(VrrpDropReason.Type, Decode(Rechecksum(message, VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4), Src4, VrrpProtocol.MulticastGroupV4));
    }

    [Fact]
    public void Length_must_match_the_address_count_exactly()
    {
        var group4 = VrrpProtocol.MulticastGroupV4;
        Assert.Equal(VrrpDropReason.Length, Decode(V2()[..^1], Src4, group4));
        Assert.Equal(VrrpDropReason.Length, Decode([.. V2(), 0], Src4, group4));
        Assert.Equal(VrrpDropReason.Length, Decode(V2()[..^8], Src4, group4)); // v2 without its auth field
        Assert.Equal(VrrpDropReason.Length, Decode(V3v4()[..^2], Src4, group4));
        Assert.Equal(VrrpDropReason.Length, Decode([.. V3v4(), 0, 0, 0, 0], Src4, group4)); // v3 with a v2 auth field
        Assert.Equal(VrrpDropReason.Length, Decode(V3v6()[..^4], Src6, VrrpProtocol.MulticastGroupV6));

        var count = V3v4();
        count[3] = 2;
        Assert.Equal(VrrpDropReason.Length, Decode(Rechecksum(count, VrrpVersion.V3, Src4, group4), Src4, group4));
    }

    [Fact]
    public void Address_family_mismatches_are_AddressFamily()
    {
        Assert.Equal(VrrpDropReason.AddressFamily, Decode(V3v4(), Src4, VrrpProtocol.MulticastGroupV6));
        Assert.Equal(VrrpDropReason.AddressFamily, Decode(V3v6(), Src6, VrrpProtocol.MulticastGroupV4));
        // An IPv6-sized v3 message that came over IPv4, and the other way round.
        Assert.Equal(VrrpDropReason.AddressFamily, Decode(V3v6(), Src4, VrrpProtocol.MulticastGroupV4));
        var four = Encode(VrrpVersion.V3, Src4, VrrpProtocol.MulticastGroupV4, [Vip4, Vip4, Vip4, Vip4]);
        Assert.Equal(24, four.Length); // as long as one IPv6 address' worth
        Assert.Equal(VrrpDropReason.AddressFamily, Decode(four, Src6, VrrpProtocol.MulticastGroupV6));
        var oneV6Sized = Encode(VrrpVersion.V3, Src4, VrrpProtocol.MulticastGroupV4, [Vip4, Vip4, Vip4, Vip4]);
        oneV6Sized[3] = 1; // 8 + 16: one IPv6 address' worth
        Assert.Equal(VrrpDropReason.AddressFamily, Decode(oneV6Sized, Src4, VrrpProtocol.MulticastGroupV4));
    }

    [Fact]
    public void Null_or_non_IP_addresses_are_AddressFamily_not_exceptions()
    {
        Assert.Equal(VrrpDropReason.AddressFamily, Decode(V3v4(), null!, VrrpProtocol.MulticastGroupV4));
        Assert.Equal(VrrpDropReason.AddressFamily, Decode(V3v4(), Src4, null!));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(255)]
    public void V2_unknown_auth_types_are_AuthType(int authType)
    {
        var message = V2();
        message[4] = (byte)authType;
        Assert.Equal(VrrpDropReason.AuthType, Decode(Rechecksum(message, VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4), Src4, VrrpProtocol.MulticastGroupV4));
    }

    [Fact]
    public void V2_auth_type_AH_decodes_so_that_the_filter_can_count_the_mismatch()
    {
        var message = V2();
        message[4] = (byte)VrrpAuthType.Ah;
        Assert.True(VrrpPacketCodec.TryDecode(
            Rechecksum(message, VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4), Src4, VrrpProtocol.MulticastGroupV4, 255, out var packet, out _));
        Assert.Equal(VrrpAuthType.Ah, packet.AuthType);
    }

    [Fact]
    public void Bad_checksums_are_Checksum()
    {
        foreach (var (message, source, destination) in new[]
                 {
                     (V2(), Src4, VrrpProtocol.MulticastGroupV4),
                     (V3v4(), Src4, VrrpProtocol.MulticastGroupV4),
                     (V3v6(), Src6, VrrpProtocol.MulticastGroupV6),
                 })
        {
            message[2] ^= 0x01; // priority
            Assert.Equal(VrrpDropReason.Checksum, Decode(message, source, destination));
        }
    }

    [Fact]
    public void V2_checksum_covers_the_auth_field()
    {
        var message = V2();
        message[^1] ^= 0x20;
        Assert.Equal(VrrpDropReason.Checksum, Decode(message, Src4, VrrpProtocol.MulticastGroupV4));
    }

    [Fact]
    public void V3_checksum_covers_the_pseudo_header_addresses()
    {
        var other = IPAddress.Parse("10.77.9.3");
        Assert.Equal(VrrpDropReason.Checksum, Decode(V3v4(), other, VrrpProtocol.MulticastGroupV4));
        Assert.Equal(VrrpDropReason.Checksum, Decode(V3v6(), IPAddress.Parse("fe80::1"), VrrpProtocol.MulticastGroupV6));
        Assert.Equal(VrrpDropReason.Checksum, Decode(V3v6(), Src6, IPAddress.Parse("ff02::13")));
    }

    [Fact]
    public void V3_IPv4_without_pseudo_header_is_accepted_and_recorded()
    {
        var message = Encode(VrrpVersion.V3, Src4, VrrpProtocol.MulticastGroupV4, [Vip4], variant: VrrpChecksumVariant.WithoutPseudoHeader);
        Assert.True(VrrpPacketCodec.TryDecode(message, Src4, VrrpProtocol.MulticastGroupV4, 255, out var packet, out _));
        Assert.Equal(VrrpChecksumVariant.WithoutPseudoHeader, packet.ChecksumVariant);
        Assert.True(packet.ChecksumWithoutPseudoHeader);

        Assert.True(VrrpPacketCodec.TryDecode(V3v4(), Src4, VrrpProtocol.MulticastGroupV4, 255, out var standard, out _));
        Assert.Equal(VrrpChecksumVariant.Standard, standard.ChecksumVariant);
        Assert.False(standard.ChecksumWithoutPseudoHeader);
    }

    [Fact]
    public void V3_IPv6_needs_the_pseudo_header()
    {
        var message = V3v6();
        message[6] = 0;
        message[7] = 0;
        ulong sum = 0;
        for (int i = 0; i < message.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(i));
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), (ushort)~sum);
        Assert.Equal(VrrpDropReason.Checksum, Decode(message, Src6, VrrpProtocol.MulticastGroupV6));
    }

    [Fact]
    public void V2_checksum_has_no_pseudo_header()
    {
        // The same v2 bytes verify whatever the addresses.
        Assert.Equal(VrrpDropReason.None, Decode(V2(), IPAddress.Parse("192.0.2.7"), VrrpProtocol.MulticastGroupV4));
    }

    [Fact]
    public void Old_keepalived_unicast_checksum_is_accepted()
    {
        var message = Encode(VrrpVersion.V3, Src4, Peer4, [Vip4], variant: VrrpChecksumVariant.UnicastWithMulticastPseudoHeader);
        Assert.True(VrrpPacketCodec.TryDecode(message, Src4, Peer4, 255, out var packet, out _));
        Assert.Equal(VrrpChecksumVariant.UnicastWithMulticastPseudoHeader, packet.ChecksumVariant);
        // It equals a standard multicast packet's checksum, which is "standard" when the destination is the group.
        Assert.Equal(V3v4(), message);
    }

    [Fact]
    public void Decodes_every_field()
    {
        var buffer = new byte[64];
        int length = VrrpPacketCodec.Encode(
            VrrpVersion.V3, 200, 7, TimeSpan.FromMilliseconds(40950), [Vip6, IPAddress.Parse("fd77:9::251")], null, Src6,
            VrrpProtocol.MulticastGroupV6, buffer);
        Assert.Equal(8 + 32, length);
        Assert.Equal(0x31, buffer[0]);
        Assert.Equal(0x0F, buffer[4]);
        Assert.Equal(0xFF, buffer[5]);

        // The 4 rsvd bits are ignored on receive.
        buffer[4] |= 0xF0;
        var message = Rechecksum(buffer[..length], VrrpVersion.V3, Src6, VrrpProtocol.MulticastGroupV6);
        Assert.True(VrrpPacketCodec.TryDecode(message, Src6, VrrpProtocol.MulticastGroupV6, 255, out var packet, out _));
        Assert.Equal(VrrpVersion.V3, packet.Version);
        Assert.Equal(1, packet.Type);
        Assert.Equal(200, packet.VirtualRouterId);
        Assert.Equal(7, packet.Priority);
        Assert.Equal(2, packet.AddressCount);
        Assert.Equal(TimeSpan.FromMilliseconds(40950), packet.AdvertInterval);
        Assert.Equal([Vip6, IPAddress.Parse("fd77:9::251")], packet.Addresses);
        Assert.Equal(AddressFamily.InterNetworkV6, packet.AddressFamily);
        Assert.Equal(40, packet.MessageLength);
    }

    [Fact]
    public void Zero_addresses_are_allowed()
    {
        var message = Encode(VrrpVersion.V3, Src4, VrrpProtocol.MulticastGroupV4, []);
        Assert.Equal(8, message.Length);
        Assert.True(VrrpPacketCodec.TryDecode(message, Src4, VrrpProtocol.MulticastGroupV4, 255, out var packet, out _));
        Assert.Empty(packet.Addresses);
        Assert.Equal(16, Encode(VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4, []).Length);
    }

    [Fact]
    public void V2_password_is_truncated_to_8_bytes_and_zero_padded()
    {
        Assert.Equal("7365637265743132", Convert.ToHexString(Encode(VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4, [Vip4], "secret12-long")[^8..]).ToLowerInvariant());
        Assert.Equal("6162000000000000", Convert.ToHexString(Encode(VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4, [Vip4], "ab")[^8..]).ToLowerInvariant());
        var none = Encode(VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4, [Vip4]);
        Assert.Equal(0, none[4]);
        Assert.All(none[^8..], b => Assert.Equal(0, b));
        var empty = Encode(VrrpVersion.V2, Src4, VrrpProtocol.MulticastGroupV4, [Vip4], "");
        Assert.Equal(1, empty[4]);
    }

    [Fact]
    public void Encode_rejects_what_VRRP_cannot_carry()
    {
        var buffer = new byte[2048];
        var group4 = VrrpProtocol.MulticastGroupV4;
        var one = TimeSpan.FromSeconds(1);
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V2, 1, 1, one, [Vip6], null, Src6, VrrpProtocol.MulticastGroupV6, buffer));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode((VrrpVersion)4, 1, 1, one, [Vip4], null, Src4, group4, buffer));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V3, 0, 1, one, [Vip4], null, Src4, group4, buffer));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V3, 1, 1, one, [Vip4], "pw", Src4, group4, buffer));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V3, 1, 1, one, [Vip4], null, Src4, VrrpProtocol.MulticastGroupV6, buffer));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V3, 1, 1, one, [Vip6], null, Src4, group4, buffer));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V3, 1, 1, one, [Vip4], null, Src4, group4, buffer.AsSpan(0, 11)));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V3, 1, 1, one, Enumerable.Repeat(Vip4, 256).ToArray(), null, Src4, group4, buffer));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V2, 1, 1, one, [Vip4], null, Src4, group4, buffer, VrrpChecksumVariant.WithoutPseudoHeader));
        Assert.ThrowsAny<ArgumentException>(() => VrrpPacketCodec.Encode(VrrpVersion.V3, 1, 1, one, [Vip6], null, Src6, VrrpProtocol.MulticastGroupV6, buffer, VrrpChecksumVariant.WithoutPseudoHeader));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(2, 500)]
    [InlineData(2, 1500)]
    [InlineData(2, 256000)]
    [InlineData(3, 0)]
    [InlineData(3, 5)]
    [InlineData(3, 1234)]
    [InlineData(3, 40960)]
    public void Encode_rejects_intervals_the_field_cannot_hold(int version, int milliseconds)
    {
        var buffer = new byte[64];
        Assert.Throws<ArgumentOutOfRangeException>(() => VrrpPacketCodec.Encode(
            (VrrpVersion)version, 1, 1, TimeSpan.FromMilliseconds(milliseconds), [Vip4], null, Src4, VrrpProtocol.MulticastGroupV4, buffer));
    }

    [Fact]
    public void Encode_accepts_the_interval_extremes()
    {
        var buffer = new byte[64];
        VrrpPacketCodec.Encode(VrrpVersion.V2, 1, 1, TimeSpan.FromSeconds(255), [Vip4], null, Src4, VrrpProtocol.MulticastGroupV4, buffer);
        Assert.Equal(255, buffer[5]);
        VrrpPacketCodec.Encode(VrrpVersion.V3, 1, 1, TimeSpan.FromMilliseconds(10), [Vip4], null, Src4, VrrpProtocol.MulticastGroupV4, buffer);
        Assert.Equal(0, buffer[4]);
        Assert.Equal(1, buffer[5]);
    }

    [Fact]
    public void Protocol_constants()
    {
        Assert.Equal(112, VrrpProtocol.IpProtocolNumber);
        Assert.Equal(255, VrrpProtocol.RequiredTtl);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), VrrpProtocol.MulticastGroupV4);
        Assert.Equal(IPAddress.Parse("ff02::12"), VrrpProtocol.MulticastGroupV6);
        Assert.Equal(VrrpProtocol.MulticastGroupV6, VrrpProtocol.MulticastGroup(AddressFamily.InterNetworkV6));
        Assert.NotSame(VrrpProtocol.MulticastGroupV4, VrrpProtocol.MulticastGroupV4);
        Assert.Equal(-1, VrrpProtocol.MessageLength(VrrpVersion.V2, AddressFamily.InterNetworkV6, 1));
        Assert.Equal(20, VrrpProtocol.MessageLength(VrrpVersion.V2, AddressFamily.InterNetwork, 1));
        Assert.Equal(12, VrrpProtocol.MessageLength(VrrpVersion.V3, AddressFamily.InterNetwork, 1));
        Assert.Equal(24, VrrpProtocol.MessageLength(VrrpVersion.V3, AddressFamily.InterNetworkV6, 1));
        Assert.Equal(new byte[] { 0, 0, 0x5e, 0, 1, 51 }, VrrpProtocol.VirtualMacAddress(AddressFamily.InterNetwork, 51));
        Assert.Equal(new byte[] { 0, 0, 0x5e, 0, 2, 51 }, VrrpProtocol.VirtualMacAddress(AddressFamily.InterNetworkV6, 51));
        Assert.True(VrrpProtocol.IsMulticast(IPAddress.Parse("239.255.255.255")));
        Assert.False(VrrpProtocol.IsMulticast(IPAddress.Parse("240.0.0.1")));
        Assert.False(VrrpProtocol.IsMulticast(Peer4));
    }
}
