using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Netlink;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Netlink;

/// <summary>
/// Golden bytes: what iproute2 6.x sent for the same operation, captured with
/// <c>strace -e trace=sendmsg -e write=all ip -n NS addr add|del ...</c> (ifindex 3, nlmsg_seq 0x6b05a7fd).
/// Layout: nlmsghdr (len u32, type u16, flags u16, seq u32, pid u32), ifaddrmsg (family, prefixlen, flags,
/// scope, index u32), then NLA_ALIGN'ed attributes (len u16, type u16, value). Host byte order (x86-64/arm64).
/// </summary>
public class RtnetlinkAddressCodecTests
{
    private const uint Seq = 0x6b05a7fd;

    [Fact]
    public void Add_ipv4_matches_ip_addr_add()
    {
        // ip addr add 10.77.8.100/32 dev v0
        byte[] expected = Hex(
            "28000000 1400 0506 fda7056b 00000000" +  // len 40, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
            "02 20 00 00 03000000" +                  // AF_INET, /32, flags 0, scope universe, ifindex 3
            "0800 0200 0a4d0864" +                    // IFA_LOCAL 10.77.8.100
            "0800 0100 0a4d0864");                    // IFA_ADDRESS 10.77.8.100
        Assert.Equal(expected, RtnetlinkAddressCodec.BuildAdd(3, IPAddress.Parse("10.77.8.100"), 32, Seq));
    }

    [Fact]
    public void Add_ipv6_matches_ip_addr_add_nodad_plus_ifa_flags()
    {
        // ip addr add fd77:8::100/128 dev v0 nodad sends the first 64 bytes (with len 0x40); we append
        // IFA_FLAGS = IFA_F_NODAD as keepalived does, which the kernel prefers over ifa_flags.
        byte[] expected = Hex(
            "48000000 1400 0506 fda7056b 00000000" +
            "0a 80 02 00 03000000" +                                  // AF_INET6, /128, IFA_F_NODAD, universe, 3
            "1400 0200 fd770008000000000000000000000100" +            // IFA_LOCAL
            "1400 0100 fd770008000000000000000000000100" +            // IFA_ADDRESS
            "0800 0800 02000000");                                    // IFA_FLAGS = IFA_F_NODAD
        Assert.Equal(expected, RtnetlinkAddressCodec.BuildAdd(3, IPAddress.Parse("fd77:8::100"), 128, Seq));
    }

    [Fact]
    public void Delete_ipv4_matches_ip_addr_del()
    {
        byte[] expected = Hex(
            "28000000 1500 0500 fda7056b 00000000" +  // RTM_DELADDR, REQUEST|ACK
            "02 20 00 00 03000000" +
            "0800 0200 0a4d0864" +
            "0800 0100 0a4d0864");
        Assert.Equal(expected, RtnetlinkAddressCodec.BuildDelete(3, IPAddress.Parse("10.77.8.100"), 32, Seq));
    }

    [Fact]
    public void Delete_ipv6_matches_ip_addr_del()
    {
        byte[] expected = Hex(
            "40000000 1500 0500 fda7056b 00000000" +
            "0a 80 00 00 03000000" +
            "1400 0200 fd770008000000000000000000000100" +
            "1400 0100 fd770008000000000000000000000100");
        Assert.Equal(expected, RtnetlinkAddressCodec.BuildDelete(3, IPAddress.Parse("fd77:8::100"), 128, Seq));
    }

    [Fact]
    public void Dump_matches_ip_addr_show()
    {
        // ip -6 addr show: RTM_GETADDR, REQUEST|ROOT|MATCH, ifaddrmsg with only the family set.
        Assert.Equal(Hex("18000000 1600 0103 fda7056b 00000000 0a000000 00000000"),
            RtnetlinkAddressCodec.BuildDump(AddressFamily.InterNetworkV6, Seq));
        Assert.Equal(Hex("18000000 1600 0103 fda7056b 00000000 00000000 00000000"),
            RtnetlinkAddressCodec.BuildDump(AddressFamily.Unspecified, Seq));
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RtnetlinkAddressCodec.BuildAdd(3, IPAddress.Parse("10.0.0.1"), 33, Seq));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtnetlinkAddressCodec.BuildAdd(0, IPAddress.Parse("10.0.0.1"), 32, Seq));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtnetlinkAddressCodec.BuildDelete(3, IPAddress.Parse("fd00::1"), 129, Seq));
    }

    [Fact]
    public void Parses_kernel_ipv4_reply_preferring_ifa_local_and_ifa_flags()
    {
        // As the kernel sends it for "inet 10.77.8.1/24 brd 10.77.8.255 scope global veth-a" (ifindex 7):
        // IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, IFA_LABEL, IFA_FLAGS (0x80 permanent), IFA_CACHEINFO.
        byte[] payload = Hex(
            "02 18 80 00 07000000" +
            "0800 0100 0a4d0801" +
            "0800 0200 0a4d0801" +
            "0800 0400 0a4d08ff" +
            "0b00 0300 76657468 2d6100 00" +          // "veth-a\0" + 1 pad byte
            "0800 0800 80000000" +
            "1400 0600 ffffffff ffffffff 10270000 10270000");
        var message = new NetlinkMessage(RtnetlinkConstants.RtmNewAddr, 2, 1, 0, payload);

        Assert.True(RtnetlinkAddressCodec.TryParse(message, null, out var address));
        Assert.Equal(new InterfaceAddress(7, "veth-a", IPAddress.Parse("10.77.8.1"), 24), address);

        Assert.True(RtnetlinkAddressCodec.TryParse(payload, out var parsed));
        Assert.Equal(RtnetlinkConstants.IfaFPermanent, parsed.Flags);
        Assert.Equal("veth-a", parsed.Label);

        Assert.True(RtnetlinkAddressCodec.TryParse(message, i => i == 7 ? "renamed" : null, out var named));
        Assert.Equal("renamed", named.InterfaceName);
    }

    [Fact]
    public void Parses_kernel_ipv6_link_local_reply_with_scope_id()
    {
        // "inet6 fe80::1/64 scope link" on ifindex 4: IFA_ADDRESS only, scope link (253).
        byte[] payload = Hex(
            "0a 40 80 fd 04000000" +
            "1400 0100 fe800000000000000000000000000001" +
            "0800 0800 80000000");
        var message = new NetlinkMessage(RtnetlinkConstants.RtmNewAddr, 2, 1, 0, payload);

        Assert.True(RtnetlinkAddressCodec.TryParse(message, _ => "eth0", out var address));
        Assert.Equal(4, address.InterfaceIndex);
        Assert.Equal(64, address.PrefixLength);
        Assert.Equal(IPAddress.Parse("fe80::1%4"), address.Address);
        Assert.Equal(4, address.Address.ScopeId);
    }

    [Fact]
    public void Ignores_other_messages_and_truncated_payloads()
    {
        Assert.False(RtnetlinkAddressCodec.TryParse(new NetlinkMessage(RtnetlinkConstants.RtmNewLink, 0, 1, 0, new byte[16]), null, out _));
        Assert.False(RtnetlinkAddressCodec.TryParse(Hex("02 18 80 00"), out _));
        Assert.False(RtnetlinkAddressCodec.TryParse(Hex("02 18 80 00 07000000"), out _)); // no address attribute
        Assert.False(RtnetlinkAddressCodec.TryParse(Hex("11 18 80 00 07000000 0800 0100 0a4d0801"), out _)); // AF_PACKET
        // Found by fuzzing (netlink-reply): a link-local address on a negative ifindex threw from IPAddress.ScopeId.
        Assert.False(RtnetlinkAddressCodec.TryParse(Hex("0a 40 80 fd 030000e1 1400 0100 fe800000000000000000000000000001"), out _));
        Assert.False(RtnetlinkAddressCodec.TryParse(Hex("02 18 80 00 00000000 0800 0100 0a4d0801"), out _));
    }

    internal static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", ""));
}
