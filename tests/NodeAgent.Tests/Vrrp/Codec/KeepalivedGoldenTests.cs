using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp.Codec;

/// <summary>
/// Adverts the real keepalived 2.2.7 sent (Golden/*.hex, from Golden/capture.sh): each decodes to what its config says
/// and re-encodes to the same bytes, checksum included. Every capture ends with keepalived's priority-0 advert on stop.
/// </summary>
public sealed class KeepalivedGoldenTests
{
    private sealed record Expected(
        VrrpVersion Version,
        byte Vrid,
        byte Priority,
        TimeSpan Interval,
        string[] Addresses,
        string? Password,
        string Source,
        string Destination);

    private static readonly Dictionary<string, Expected> Cases = new()
    {
        ["v2-pass"] = new(VrrpVersion.V2, 51, 150, TimeSpan.FromSeconds(1), ["10.77.9.100"], "secret12", "10.77.9.1", "224.0.0.18"),
        ["v2-noauth-2vips"] = new(VrrpVersion.V2, 52, 100, TimeSpan.FromSeconds(2), ["10.77.9.100", "10.77.9.101"], null, "10.77.9.1", "224.0.0.18"),
        ["v3-ipv4"] = new(VrrpVersion.V3, 53, 200, TimeSpan.FromSeconds(1), ["10.77.9.100"], null, "10.77.9.1", "224.0.0.18"),
        ["v3-ipv4-fast"] = new(VrrpVersion.V3, 54, 120, TimeSpan.FromMilliseconds(50), ["10.77.9.100", "10.77.9.101", "10.77.9.102"], null, "10.77.9.1", "224.0.0.18"),
        ["v3-ipv4-unicast"] = new(VrrpVersion.V3, 56, 110, TimeSpan.FromSeconds(1), ["10.77.9.100"], null, "10.77.9.1", "10.77.9.2"),
        ["v3-ipv6"] = new(VrrpVersion.V3, 55, 150, TimeSpan.FromSeconds(1), ["fd77:9::250"], null, "fe80::77:9ff:fe00:1", "ff02::12"),
    };

    public static TheoryData<string> Captures() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Captures))]
    public void Capture_has_adverts_then_a_priority_zero_one(string capture)
    {
        var packets = GoldenCaptures.Load(capture);
        Assert.True(packets.Count >= 3, $"{capture}: {packets.Count} packets");
        var priorities = packets.Select(p => p.Split().Vrrp[2]).ToArray();
        Assert.All(priorities[..^1], p => Assert.Equal(Cases[capture].Priority, p));
        Assert.Equal(0, priorities[^1]);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Ip_header_is_what_VRRP_requires(string capture)
    {
        var expected = Cases[capture];
        foreach (var golden in GoldenCaptures.Load(capture))
        {
            var (source, destination, ttl, protocol, _) = golden.Split();
            Assert.Equal(IPAddress.Parse(expected.Source), source);
            Assert.Equal(IPAddress.Parse(expected.Destination), destination);
            Assert.Equal(VrrpProtocol.RequiredTtl, ttl);
            Assert.Equal(VrrpProtocol.IpProtocolNumber, protocol);
            if (source.AddressFamily == AddressFamily.InterNetwork)
            {
                Assert.True(Ipv4Header.TryParse(golden.Datagram, out var header, out _));
                Assert.Equal(0xc0, header.TypeOfService);
                Assert.Equal(20, header.HeaderLength);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Decodes_to_the_configured_fields(string capture)
    {
        var expected = Cases[capture];
        var packets = GoldenCaptures.Load(capture);
        foreach (var golden in packets)
        {
            var (source, destination, ttl, _, vrrp) = golden.Split();

            Assert.True(
                VrrpPacketCodec.TryDecode(vrrp, source, destination, ttl, out var packet, out var reason),
                $"{golden}: {reason}");
            Assert.Equal(VrrpDropReason.None, reason);
            Assert.Equal(expected.Version, packet.Version);
            Assert.Equal(VrrpProtocol.AdvertisementType, packet.Type);
            Assert.Equal(expected.Vrid, packet.VirtualRouterId);
            Assert.Equal(golden.Index == packets.Count - 1 ? 0 : expected.Priority, packet.Priority);
            Assert.Equal(expected.Addresses.Length, packet.AddressCount);
            Assert.Equal(expected.Addresses.Select(IPAddress.Parse), packet.Addresses);
            Assert.Equal(expected.Interval, packet.AdvertInterval);
            Assert.Equal(source.AddressFamily, packet.AddressFamily);
            Assert.Equal(VrrpChecksumVariant.Standard, packet.ChecksumVariant);
            Assert.False(packet.ChecksumWithoutPseudoHeader);
            Assert.Equal((ushort)((vrrp[6] << 8) | vrrp[7]), packet.Checksum);
            if (expected.Version == VrrpVersion.V2)
            {
                Assert.Equal(expected.Password is null ? VrrpAuthType.None : VrrpAuthType.Pass, packet.AuthType);
                var auth = new byte[8];
                System.Text.Encoding.ASCII.GetBytes(expected.Password ?? "").CopyTo(auth, 0);
                Assert.Equal(auth, packet.AuthData.ToArray());
            }
            else
            {
                Assert.Equal(VrrpAuthType.None, packet.AuthType);
                Assert.True(packet.AuthData.IsEmpty);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Reencodes_byte_for_byte(string capture)
    {
        var expected = Cases[capture];
        foreach (var golden in GoldenCaptures.Load(capture))
        {
            var (source, destination, _, _, vrrp) = golden.Split();
            var buffer = new byte[1500];
            int length = VrrpPacketCodec.Encode(
                expected.Version,
                expected.Vrid,
                vrrp[2], // the priority this advert carried (150, ..., then 0 on stop)
                expected.Interval,
                expected.Addresses.Select(IPAddress.Parse).ToArray(),
                expected.Password,
                source,
                destination,
                buffer);

            Assert.Equal(Convert.ToHexString(vrrp), Convert.ToHexString(buffer, 0, length));
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Passes_the_filter_of_a_matching_instance_and_converts(string capture)
    {
        var expected = Cases[capture];
        var filter = new VrrpReceiveFilter(expected.Version, expected.Vrid, expected.Password, expected.Interval);
        var golden = GoldenCaptures.Load(capture)[0];
        var (source, destination, ttl, _, vrrp) = golden.Split();
        Assert.True(VrrpPacketCodec.TryDecode(vrrp, source, destination, ttl, out var packet, out _));

        Assert.Equal(VrrpDropReason.None, filter.Check(packet, source));

        var advert = VrrpReceiveFilter.ToAdvertisement(packet, source);
        Assert.Equal(expected.Version, advert.Version);
        Assert.Equal(expected.Vrid, advert.VirtualRouterId);
        Assert.Equal(expected.Priority, advert.Priority);
        Assert.Equal(expected.Interval, advert.MaxAdvertInterval);
        Assert.Equal(expected.Addresses.Select(IPAddress.Parse), advert.Addresses);
        Assert.Equal(IPAddress.Parse(expected.Source), advert.Source);
    }

    [Fact]
    public void V2_pass_capture_is_dropped_by_an_instance_with_another_password_or_none()
    {
        var golden = GoldenCaptures.Load("v2-pass")[0];
        var (source, destination, ttl, _, vrrp) = golden.Split();
        Assert.True(VrrpPacketCodec.TryDecode(vrrp, source, destination, ttl, out var packet, out _));

        Assert.Equal(VrrpDropReason.AuthMismatch, new VrrpReceiveFilter(VrrpVersion.V2, 51, "secret13", TimeSpan.FromSeconds(1)).Check(packet, source));
        // keepalived compares the 8-byte field: a longer configured password matches on its first 8 bytes.
        Assert.Equal(VrrpDropReason.None, new VrrpReceiveFilter(VrrpVersion.V2, 51, "secret12-and-more", TimeSpan.FromSeconds(1)).Check(packet, source));
        Assert.Equal(VrrpDropReason.AuthType, new VrrpReceiveFilter(VrrpVersion.V2, 51, null, TimeSpan.FromSeconds(1)).Check(packet, source));
        Assert.Equal(VrrpDropReason.IntervalMismatch, new VrrpReceiveFilter(VrrpVersion.V2, 51, "secret12", TimeSpan.FromSeconds(2)).Check(packet, source));
    }

    [Fact]
    public void V3_unicast_capture_checksum_uses_the_unicast_destination()
    {
        // keepalived 2.2.7 puts the real (unicast) destination in the pseudo-header; the 224.0.0.18 one is the old variant.
        var golden = GoldenCaptures.Load("v3-ipv4-unicast")[0];
        var (source, destination, ttl, _, vrrp) = golden.Split();
        var buffer = new byte[64];
        int length = VrrpPacketCodec.Encode(
            VrrpVersion.V3, 56, 110, TimeSpan.FromSeconds(1), [IPAddress.Parse("10.77.9.100")], null, source, destination, buffer,
            VrrpChecksumVariant.UnicastWithMulticastPseudoHeader);
        Assert.NotEqual(Convert.ToHexString(vrrp), Convert.ToHexString(buffer, 0, length));

        Assert.True(VrrpPacketCodec.TryDecode(buffer.AsSpan(0, length), source, destination, ttl, out var old, out _));
        Assert.Equal(VrrpChecksumVariant.UnicastWithMulticastPseudoHeader, old.ChecksumVariant);
    }
}
