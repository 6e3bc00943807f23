using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Netlink;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Netlink.RtnetlinkAddressCodecTests;

namespace KeepOperator.NodeAgent.Tests.Netlink;

public class RtnetlinkMacvlanCodecTests
{
    [Fact]
    public void Create_is_what_ip_link_add_type_macvlan_mode_private_sends()
    {
        // Captured with: strace -e trace=sendmsg -e write=3 ip link add link v0 name vrrp.51 address 00:00:5e:00:01:33
        // type macvlan mode private (v0 had index 3; iproute2 6.1). Only difference: iproute2 leaves NLA_F_NESTED off
        // IFLA_LINKINFO and IFLA_INFO_DATA ("1200", "0200"); we set it ("1280", "0280"), which the kernel accepts either way.
        byte[] iproute2 = Hex(
            "5c000000 1000 0506 07000000 00000000" +      // nlmsghdr: RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
            "00 00 0000 00000000 00000000 00000000" +      // ifinfomsg
            "0a00 0100 00005e000133 0000" +                // IFLA_ADDRESS
            "0800 0500 03000000" +                         // IFLA_LINK 3
            "0c00 0300 767272702e353100" +                 // IFLA_IFNAME "vrrp.51"
            "1c00 1200" +                                  // IFLA_LINKINFO
            "0b00 0100 6d6163766c616e00" +                 //   IFLA_INFO_KIND "macvlan" (unterminated, padded)
            "0c00 0200 0800 0100 01000000");               //   IFLA_INFO_DATA { IFLA_MACVLAN_MODE private }
        iproute2[0x43] |= 0x80;
        iproute2[0x53] |= 0x80;

        Assert.Equal(iproute2, RtnetlinkMacvlanCodec.BuildCreate(3, "vrrp.51", PhysicalAddress.Parse("00-00-5E-00-01-33"), 7));
    }

    [Fact]
    public void Up_down_and_delete_are_what_ip_link_set_and_del_send()
    {
        // ip link set vrrp.51 up: RTM_NEWLINK, REQUEST|ACK, index, ifi_flags IFF_UP, ifi_change IFF_UP.
        Assert.Equal(Hex("20000000 1000 0500 07000000 00000000" + "00 00 0000 04000000 01000000 01000000"), RtnetlinkMacvlanCodec.BuildSetUp(4, up: true, 7));
        Assert.Equal(Hex("20000000 1000 0500 07000000 00000000" + "00 00 0000 04000000 00000000 01000000"), RtnetlinkMacvlanCodec.BuildSetUp(4, up: false, 7));
        Assert.Equal(Hex("20000000 1100 0500 07000000 00000000" + "00 00 0000 04000000 00000000 00000000"), RtnetlinkMacvlanCodec.BuildDelete(4, 7));
    }

    [Fact]
    public void Names_longer_than_ifnamsiz_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RtnetlinkMacvlanCodec.BuildCreate(3, "a-name-of-16char", PhysicalAddress.Parse("00-00-5E-00-01-33"), 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtnetlinkMacvlanCodec.BuildSetUp(0, up: true, 7));
    }
}
