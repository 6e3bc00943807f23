using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Announce;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Announce;

/// <summary>
/// Golden bytes derived from RFC 826 / RFC 4861 and the Linux struct layouts (ethhdr, arphdr, nd_msg, nd_opt_hdr),
/// and checked against what tcpdump -xx shows on the peer's veth when AddressAnnouncer sends them (the NA then
/// carries the checksum the kernel filled in).
/// </summary>
public class FrameBuilderTests
{
    private static readonly PhysicalAddress Mac = PhysicalAddress.Parse("02-00-5E-00-01-33");

    [Fact]
    public void Gratuitous_arp_is_a_broadcast_request_with_sender_and_target_ip_the_vip()
    {
        var frame = new byte[64];
        int length = GratuitousArpFrame.Build(Mac, IPAddress.Parse("10.77.8.100"), frame);

        Assert.Equal(42, length);
        Assert.Equal(Convert.FromHexString(
            "ffffffffffff" + "02005e000133" + "0806" +  // Ethernet: broadcast, our MAC, ETH_P_ARP
            "0001" + "0800" + "06" + "04" + "0001" +     // ARPHRD_ETHER, IPv4, hlen 6, plen 4, ARPOP_REQUEST
            "02005e000133" + "0a4d0864" +                // sender: our MAC, VIP
            "ffffffffffff" + "0a4d0864"),                // target: broadcast (as keepalived), VIP
            frame[..length]);
    }

    /// <summary>
    /// RFC 5798 6.4.2: the new Master sends an unsolicited NA for each IPv6 address with the Router flag set; RFC 4861
    /// 4.4: flags byte R (0x80) S (0x40) O (0x20). Unsolicited, so S is clear; O set so peers replace stale entries.
    /// </summary>
    [Fact]
    public void Unsolicited_na_has_router_and_override_set_solicited_clear_and_a_target_link_layer_option()
    {
        var message = new byte[64];
        int length = UnsolicitedNeighborAdvertisement.Build(Mac, IPAddress.Parse("fd77:8::100"), message);

        Assert.Equal(32, length);
        Assert.Equal(Convert.FromHexString(
            "88" + "00" + "0000" +                           // type 136, code 0, checksum left to the kernel
            "a0000000" +                                     // R=1 S=0 O=1 (0x80 | 0x20)
            "fd770008000000000000000000000100" +             // target
            "02" + "01" + "02005e000133"),                   // option 2 (target LL address), 1 x 8 bytes, MAC
            message[..length]);
        Assert.Equal(UnsolicitedNeighborAdvertisement.FlagRouter, message[4] & UnsolicitedNeighborAdvertisement.FlagRouter);
        Assert.Equal(UnsolicitedNeighborAdvertisement.FlagOverride, message[4] & UnsolicitedNeighborAdvertisement.FlagOverride);
        Assert.Equal(0, message[4] & UnsolicitedNeighborAdvertisement.FlagSolicited);
    }

    [Fact]
    public void Builders_reject_the_wrong_family_short_buffers_and_non_ethernet_addresses()
    {
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => GratuitousArpFrame.Build(Mac, IPAddress.Parse("fd77::1"), buffer));
        Assert.Throws<ArgumentException>(() => UnsolicitedNeighborAdvertisement.Build(Mac, IPAddress.Parse("10.0.0.1"), buffer));
        Assert.Throws<ArgumentException>(() => GratuitousArpFrame.Build(Mac, IPAddress.Parse("10.0.0.1"), new byte[41]));
        Assert.Throws<ArgumentException>(() => UnsolicitedNeighborAdvertisement.Build(Mac, IPAddress.Parse("fd77::1"), new byte[31]));
        Assert.Throws<ArgumentException>(() => GratuitousArpFrame.Build(PhysicalAddress.None, IPAddress.Parse("10.0.0.1"), buffer));
    }
}
