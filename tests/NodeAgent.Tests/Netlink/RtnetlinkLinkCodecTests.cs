using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Netlink;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Netlink.RtnetlinkAddressCodecTests;

namespace KeepOperator.NodeAgent.Tests.Netlink;

public class RtnetlinkLinkCodecTests
{
    [Fact]
    public void Dump_is_getlink_with_ext_mask()
    {
        // Like "ip link show" (which sends IFLA_EXT_MASK = RTEXT_FILTER_VF); we ask to skip statistics instead.
        Assert.Equal(
            Hex("28000000 1200 0103 07000000 00000000" + "00 00 0000 00000000 00000000 00000000" + "0800 1d00 08000000"),
            RtnetlinkLinkCodec.BuildDump(7));
    }

    [Fact]
    public void Get_by_name_and_index()
    {
        Assert.Equal(
            Hex("34000000 1200 0100 07000000 00000000" + "00 00 0000 00000000 00000000 00000000" + "0800 1d00 08000000" + "0b00 0300 76657468 2d6100 00"),
            RtnetlinkLinkCodec.BuildGet("veth-a", 7));
        Assert.Equal(
            Hex("28000000 1200 0100 07000000 00000000" + "00 00 0000 05000000 00000000 00000000" + "0800 1d00 08000000"),
            RtnetlinkLinkCodec.BuildGet(5, 7));
        Assert.Throws<ArgumentException>(() => RtnetlinkLinkCodec.BuildGet("a-name-longer-than-15", 7));
    }

    [Fact]
    public void Parses_newlink()
    {
        // ifinfomsg: AF_UNSPEC, ARPHRD_ETHER (1), index 9, flags UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP (0x11043).
        byte[] payload = Hex(
            "00 00 0100 09000000 43100100 00000000" +
            "0b00 0300 76657468 2d6100 00" +   // IFLA_IFNAME "veth-a"
            "0a00 0100 020000000001 0000" +    // IFLA_ADDRESS 02:00:00:00:00:01
            "0500 1000 06 000000");            // IFLA_OPERSTATE up
        Assert.True(RtnetlinkLinkCodec.TryParse(new NetlinkMessage(RtnetlinkConstants.RtmNewLink, 0, 1, 0, payload), out var link));
        Assert.Equal(9, link.Index);
        Assert.Equal("veth-a", link.Name);
        Assert.Equal(PhysicalAddress.Parse("02-00-00-00-00-01"), link.HardwareAddress);
        Assert.True(link.IsUp);
    }

    [Fact]
    public void Up_needs_both_iff_up_and_iff_running()
    {
        byte[] adminUpNoCarrier = Hex("00 00 0100 09000000 03100000 00000000" + "0800 0300 65746800");
        Assert.True(RtnetlinkLinkCodec.TryParse(adminUpNoCarrier, out var link));
        Assert.Equal("eth", link.Name);
        Assert.False(link.IsUp);
        Assert.Equal(PhysicalAddress.None, link.HardwareAddress);
    }

    [Fact]
    public void Notifications_newlink_is_the_links_state_dellink_is_down_other_types_are_ignored()
    {
        byte[] upPayload = Hex("00 00 0100 09000000 43100100 00000000" + "0b00 0300 76657468 2d6100 00");
        Assert.True(RtnetlinkLinkCodec.TryParseChange(new NetlinkMessage(RtnetlinkConstants.RtmNewLink, 0, 0, 0, upPayload), out var up));
        Assert.Equal((9, "veth-a", true), (up.Index, up.Name, up.IsUp));

        Assert.True(RtnetlinkLinkCodec.TryParseChange(new NetlinkMessage(RtnetlinkConstants.RtmDelLink, 0, 0, 0, upPayload), out var gone));
        Assert.Equal((9, "veth-a", false), (gone.Index, gone.Name, gone.IsUp));

        Assert.False(RtnetlinkLinkCodec.TryParseChange(new NetlinkMessage(RtnetlinkConstants.RtmNewAddr, 0, 0, 0, upPayload), out _));
        Assert.False(RtnetlinkLinkCodec.TryParseChange(new NetlinkMessage(RtnetlinkConstants.RtmNewLink, 0, 0, 0, upPayload[..8]), out _));
    }
}
