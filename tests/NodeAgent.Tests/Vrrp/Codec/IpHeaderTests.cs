using System.Buffers.Binary;
using System.Net;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp.Codec;

public sealed class IpHeaderTests
{
    // keepalived's first v3 IPv4 advert (Golden/v3-ipv4.hex).
    private static byte[] Datagram() => Convert.FromHexString("45c0002000010000ff70c74c0a4d0901e00000123135c8010064fed60a4d0964");

    private static void FixChecksum(byte[] datagram)
    {
        int ihl = (datagram[0] & 0x0F) * 4;
        datagram[10] = 0;
        datagram[11] = 0;
        ulong sum = 0;
        for (int i = 0; i < ihl; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(i));
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(10), (ushort)~sum);
    }

    [Fact]
    public void Parses_keepalived_header()
    {
        Assert.True(Ipv4Header.TryParse(Datagram(), out var header, out var payload));
        Assert.Equal(20, header.HeaderLength);
        Assert.Equal(0xc0, header.TypeOfService);
        Assert.Equal(32, header.TotalLength);
        Assert.Equal(1, header.Identification);
        Assert.False(header.DontFragment);
        Assert.Equal(255, header.Ttl);
        Assert.Equal(112, header.Protocol);
        Assert.Equal(0xc74c, header.HeaderChecksum);
        Assert.Equal(IPAddress.Parse("10.77.9.1"), header.Source);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), header.Destination);
        Assert.Equal("3135C8010064FED60A4D0964", Convert.ToHexString(payload));
    }

    [Fact]
    public void Skips_options()
    {
        var plain = Datagram();
        var withOptions = new byte[plain.Length + 4];
        plain.AsSpan(0, 20).CopyTo(withOptions);
        withOptions[20] = 1; withOptions[21] = 1; withOptions[22] = 1; withOptions[23] = 0; // NOP NOP NOP EOL
        plain.AsSpan(20).CopyTo(withOptions.AsSpan(24));
        withOptions[0] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(withOptions.AsSpan(2), (ushort)withOptions.Length);
        FixChecksum(withOptions);

        Assert.True(Ipv4Header.TryParse(withOptions, out var header, out var payload));
        Assert.Equal(24, header.HeaderLength);
        Assert.Equal(plain.AsSpan(20).ToArray(), payload.ToArray());
    }

    [Fact]
    public void Rejects_malformed_headers()
    {
        Assert.False(Ipv4Header.TryParse([], out _, out _));
        Assert.False(Ipv4Header.TryParse(Datagram()[..19], out _, out _));

        var version = Datagram();
        version[0] = 0x65;
        FixChecksum(version);
        Assert.False(Ipv4Header.TryParse(version, out _, out _));

        var shortIhl = Datagram();
        shortIhl[0] = 0x44;
        Assert.False(Ipv4Header.TryParse(shortIhl, out _, out _));

        var longIhl = Datagram();
        longIhl[0] = 0x4F; // 60 bytes of header in a 32-byte datagram
        Assert.False(Ipv4Header.TryParse(longIhl, out _, out _));

        var totalTooLong = Datagram();
        totalTooLong[3] = 33;
        FixChecksum(totalTooLong);
        Assert.False(Ipv4Header.TryParse(totalTooLong, out _, out _));
        Assert.False(Ipv4Header.TryParse([.. Datagram(), 0], out _, out _));

        var fragment = Datagram();
        fragment[6] = 0x20; // MF
        FixChecksum(fragment);
        Assert.False(Ipv4Header.TryParse(fragment, out _, out _));
        var offset = Datagram();
        offset[7] = 0x01;
        FixChecksum(offset);
        Assert.False(Ipv4Header.TryParse(offset, out _, out _));

        var dontFragment = Datagram();
        dontFragment[6] = 0x40;
        FixChecksum(dontFragment);
        Assert.True(Ipv4Header.TryParse(dontFragment, out var df, out _));
        Assert.True(df.DontFragment);

        var checksum = Datagram();
        checksum[8] = 64; // TTL changed, checksum not
        Assert.False(Ipv4Header.TryParse(checksum, out _, out _));
    }

    [Fact]
    public void Parses_keepalived_IPv6_header()
    {
        var packet = GoldenCaptures.Load("v3-ipv6")[0].Datagram;
        Assert.True(Ipv6Header.TryParse(packet, out var header, out var payload));
        Assert.Equal(0xc0, header.TrafficClass);
        Assert.Equal(24, header.PayloadLength);
        Assert.Equal(112, header.NextHeader);
        Assert.Equal(255, header.HopLimit);
        Assert.Equal(IPAddress.Parse("fe80::77:9ff:fe00:1"), header.Source);
        Assert.Equal(IPAddress.Parse("ff02::12"), header.Destination);
        Assert.Equal(24, payload.Length);

        Assert.False(Ipv6Header.TryParse(packet[..39], out _, out _));
        Assert.False(Ipv6Header.TryParse(packet[..^1], out _, out _));
        var v4 = (byte[])packet.Clone();
        v4[0] = 0x4c;
        Assert.False(Ipv6Header.TryParse(v4, out _, out _));
    }
}
