using KeepOperator.NodeAgent.Netlink;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Netlink.RtnetlinkAddressCodecTests;

namespace KeepOperator.NodeAgent.Tests.Netlink;

public class NetlinkMessageTests
{
    [Fact]
    public void Splits_a_datagram_into_aligned_messages()
    {
        // An NLMSG_ERROR ack (error 0, capped: echoed header only) followed by NLMSG_DONE.
        byte[] datagram = Hex(
            "24000000 0200 0001 05000000 99000000" + "00000000" + "28000000 1400 0506 05000000 00000000" +
            "14000000 0300 0200 06000000 99000000" + "00000000");
        var messages = new List<NetlinkMessage>();
        Assert.True(NetlinkMessage.TryParseAll(datagram, messages));
        Assert.Equal(2, messages.Count);
        Assert.Equal(NetlinkConstants.NlmsgError, messages[0].Type);
        Assert.Equal(5u, messages[0].Sequence);
        Assert.Equal(0x99u, messages[0].PortId);
        Assert.Equal(20, messages[0].Payload.Length);
        Assert.Equal(NetlinkConstants.NlmsgDone, messages[1].Type);
        Assert.Equal(NetlinkConstants.NlmFMulti, messages[1].Flags);
    }

    [Fact]
    public void Reports_a_truncated_tail()
    {
        var messages = new List<NetlinkMessage>();
        Assert.False(NetlinkMessage.TryParseAll(Hex("14000000 0300 0200 06000000 99000000 00000000 ff00"), messages));
        Assert.Single(messages);
        Assert.False(NetlinkMessage.TryParseAll(Hex("40000000 0300 0200 06000000 99000000"), messages));
    }
}
