using System.Net;
using KeepOperator.NodeAgent.Vrrp.Transport;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Transport;

public class Ipv4HeaderViewTests
{
    [Fact]
    public void Reads_ttl_protocol_addresses_and_payload_bounds()
    {
        // 20-byte header, total length 28 (network order), TTL 255, protocol 112, 10.77.8.1 -> 224.0.0.18, 8 payload bytes,
        // then 4 bytes of trailing padding that the total length excludes.
        byte[] datagram = Convert.FromHexString("45c0001c00000000ff70000 00a4d0801e0000012 3101640100640000 00000000".Replace(" ", ""));
        Assert.True(Ipv4HeaderView.TryRead(datagram, out var header));
        Assert.Equal(20, header.HeaderLength);
        Assert.Equal(8, header.PayloadLength);
        Assert.Equal(255, header.Ttl);
        Assert.Equal(112, header.Protocol);
        Assert.Equal(IPAddress.Parse("10.77.8.1"), header.Source);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), header.Destination);
    }

    [Fact]
    public void Honours_options_and_rejects_garbage()
    {
        // IHL 6 (a 4-byte Router Alert option), total length 28, TTL 1.
        byte[] withOptions = Convert.FromHexString("4600001c" + "00000000" + "01700000" + "0a4d0801" + "e0000012" + "94040000" + "31016401");
        Assert.True(Ipv4HeaderView.TryRead(withOptions, out var header));
        Assert.Equal(24, header.HeaderLength);
        Assert.Equal(4, header.PayloadLength);
        Assert.Equal(1, header.Ttl);

        Assert.False(Ipv4HeaderView.TryRead(new byte[19], out _));
        byte[] version6 = (byte[])withOptions.Clone();
        version6[0] = 0x66;
        Assert.False(Ipv4HeaderView.TryRead(version6, out _));
        byte[] shortIhl = (byte[])withOptions.Clone();
        shortIhl[0] = 0x44;
        Assert.False(Ipv4HeaderView.TryRead(shortIhl, out _));
        byte[] lengthBelowHeader = (byte[])withOptions.Clone();
        lengthBelowHeader[3] = 0x10;
        Assert.False(Ipv4HeaderView.TryRead(lengthBelowHeader, out _));
    }
}
