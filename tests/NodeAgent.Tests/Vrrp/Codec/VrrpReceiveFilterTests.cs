using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp.Codec;

public sealed class VrrpReceiveFilterTests
{
    private static readonly IPAddress Src4 = IPAddress.Parse("10.77.9.1");
    private static readonly IPAddress Vip4 = IPAddress.Parse("10.77.9.100");

    private static VrrpPacket Packet(
        VrrpVersion version = VrrpVersion.V2,
        byte vrid = 51,
        string? password = "secret12",
        TimeSpan? interval = null)
    {
        var buffer = new byte[64];
        int length = VrrpPacketCodec.Encode(
            version, vrid, 100, interval ?? TimeSpan.FromSeconds(1), [Vip4], version == VrrpVersion.V2 ? password : null, Src4,
            VrrpProtocol.MulticastGroupV4, buffer);
        Assert.True(VrrpPacketCodec.TryDecode(buffer.AsSpan(0, length), Src4, VrrpProtocol.MulticastGroupV4, 255, out var packet, out var reason), reason.ToString());
        return packet;
    }

    private static readonly VrrpReceiveFilter V2Pass = new(VrrpVersion.V2, 51, "secret12", TimeSpan.FromSeconds(1));

    [Fact]
    public void Matching_packet_passes()
    {
        Assert.Equal(VrrpDropReason.None, V2Pass.Check(Packet(), Src4));
        Assert.Equal(VrrpDropReason.None, new VrrpReceiveFilter(VrrpVersion.V2, 51, null, TimeSpan.FromSeconds(1)).Check(Packet(password: null), Src4));
        Assert.Equal(VrrpDropReason.None, new VrrpReceiveFilter(VrrpVersion.V3, 51, null, TimeSpan.FromSeconds(1)).Check(Packet(VrrpVersion.V3), Src4));
    }

    [Fact]
    public void Other_vrid_is_UnknownVirtualRouter()
    {
        Assert.Equal(VrrpDropReason.UnknownVirtualRouter, V2Pass.Check(Packet(vrid: 52), Src4));
        Assert.Equal(VrrpDropReason.UnknownVirtualRouter, new VrrpReceiveFilter(VrrpVersion.V3, 51, null, TimeSpan.FromSeconds(1)).Check(Packet(VrrpVersion.V3, vrid: 1), Src4));
    }

    [Fact]
    public void Other_version_is_Version()
    {
        Assert.Equal(VrrpDropReason.Version, V2Pass.Check(Packet(VrrpVersion.V3), Src4));
        Assert.Equal(VrrpDropReason.Version, new VrrpReceiveFilter(VrrpVersion.V3, 51, null, TimeSpan.FromSeconds(1)).Check(Packet(), Src4));
    }

    [Fact]
    public void V2_auth_type_mismatch_is_AuthType()
    {
        Assert.Equal(VrrpDropReason.AuthType, V2Pass.Check(Packet(password: null), Src4));
        Assert.Equal(VrrpDropReason.AuthType, new VrrpReceiveFilter(VrrpVersion.V2, 51, null, TimeSpan.FromSeconds(1)).Check(Packet(), Src4));
        Assert.Equal(VrrpDropReason.AuthType, V2Pass.Check(Packet() with { AuthType = VrrpAuthType.Ah }, Src4));
    }

    [Fact]
    public void V2_password_mismatch_is_AuthMismatch()
    {
        Assert.Equal(VrrpDropReason.AuthMismatch, V2Pass.Check(Packet(password: "secret13"), Src4));
        Assert.Equal(VrrpDropReason.AuthMismatch, V2Pass.Check(Packet(password: "secret1"), Src4));
        Assert.Equal(VrrpDropReason.AuthMismatch, V2Pass.Check(Packet(password: ""), Src4));
        Assert.Equal(VrrpDropReason.AuthMismatch, V2Pass.Check(Packet() with { AuthData = new byte[3] }, Src4));
        // Only the 8-byte field counts, as in keepalived.
        Assert.Equal(VrrpDropReason.None, V2Pass.Check(Packet(password: "secret12345"), Src4));
        Assert.Equal(VrrpDropReason.None, new VrrpReceiveFilter(VrrpVersion.V2, 51, "ab", TimeSpan.FromSeconds(1)).Check(Packet(password: "ab"), Src4));
    }

    [Fact]
    public void V2_auth_none_ignores_the_auth_field()
    {
        var filter = new VrrpReceiveFilter(VrrpVersion.V2, 51, null, TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpDropReason.None, filter.Check(Packet(password: null) with { AuthData = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 } }, Src4));
    }

    [Fact]
    public void V2_interval_mismatch_is_IntervalMismatch()
    {
        Assert.Equal(VrrpDropReason.IntervalMismatch, V2Pass.Check(Packet(interval: TimeSpan.FromSeconds(2)), Src4));
        Assert.Equal(VrrpDropReason.IntervalMismatch, new VrrpReceiveFilter(VrrpVersion.V2, 51, "secret12", TimeSpan.FromSeconds(3)).Check(Packet(), Src4));
    }

    [Fact]
    public void V3_interval_difference_is_not_a_drop()
    {
        var filter = new VrrpReceiveFilter(VrrpVersion.V3, 51, null, TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpDropReason.None, filter.Check(Packet(VrrpVersion.V3, interval: TimeSpan.FromMilliseconds(50)), Src4));
    }

    [Fact]
    public void Constructor_rejects_inconsistent_configuration()
    {
        Assert.ThrowsAny<ArgumentException>(() => new VrrpReceiveFilter(VrrpVersion.V3, 1, "pw", TimeSpan.FromSeconds(1)));
        Assert.ThrowsAny<ArgumentException>(() => new VrrpReceiveFilter(VrrpVersion.V2, 1, null, TimeSpan.FromMilliseconds(500)));
        Assert.ThrowsAny<ArgumentException>(() => new VrrpReceiveFilter((VrrpVersion)1, 1, null, TimeSpan.FromSeconds(1)));
        var filter = new VrrpReceiveFilter(VrrpVersion.V2, 9, "x", TimeSpan.FromSeconds(4));
        Assert.Equal(VrrpVersion.V2, filter.Version);
        Assert.Equal(9, filter.VirtualRouterId);
        Assert.Equal(VrrpAuthType.Pass, filter.AuthType);
        Assert.Equal(TimeSpan.FromSeconds(4), filter.AdvertInterval);
    }

    [Fact]
    public void ToAdvertisement_carries_the_packet_and_the_sender()
    {
        var packet = Packet(VrrpVersion.V3, vrid: 77, interval: TimeSpan.FromMilliseconds(250));
        var advert = VrrpReceiveFilter.ToAdvertisement(packet, Src4);
        Assert.Equal(new VrrpAdvertisement(VrrpVersion.V3, 77, 100, TimeSpan.FromMilliseconds(250), packet.Addresses, Src4), advert);
        Assert.Equal(AddressFamily.InterNetwork, advert.Source.AddressFamily);
        Assert.Empty(VrrpReceiveFilter.ToAdvertisement(default, Src4).Addresses);
        Assert.Throws<ArgumentNullException>(() => VrrpReceiveFilter.ToAdvertisement(packet, null!));
    }

    [Fact]
    public void Unicast_accepts_only_its_peers()
    {
        var filter = new VrrpReceiveFilter(VrrpVersion.V2, 51, "secret12", TimeSpan.FromSeconds(1), [IPAddress.Parse("10.77.9.2"), Src4]);
        Assert.Equal(VrrpDropReason.None, filter.Check(Packet(), Src4));
        Assert.Equal(VrrpDropReason.UnknownUnicastPeer, filter.Check(Packet(), IPAddress.Parse("10.77.9.3")));
        // Another VRID is that router's business, not an unknown peer of ours.
        Assert.Equal(VrrpDropReason.UnknownVirtualRouter, filter.Check(Packet(vrid: 52), IPAddress.Parse("10.77.9.3")));
        Assert.Equal(VrrpDropReason.UnknownUnicastPeer, new VrrpReceiveFilter(VrrpVersion.V2, 51, "secret12", TimeSpan.FromSeconds(1), []).Check(Packet(), Src4));
    }

    [Fact]
    public void Unicast_peers_compare_without_the_IPv6_scope()
    {
        var filter = new VrrpReceiveFilter(VrrpVersion.V3, 51, null, TimeSpan.FromSeconds(1), [IPAddress.Parse("fe80::2"), IPAddress.Parse("10.77.9.2")]);
        Assert.Equal(VrrpDropReason.None, filter.Check(Packet(VrrpVersion.V3), IPAddress.Parse("fe80::2%7")));
        Assert.Equal(VrrpDropReason.UnknownUnicastPeer, filter.Check(Packet(VrrpVersion.V3), IPAddress.Parse("fe80::3%7")));
        Assert.Equal(VrrpDropReason.UnknownUnicastPeer, filter.Check(Packet(VrrpVersion.V3), IPAddress.Parse("::ffff:10.77.9.2")));
    }
}
