using System.Buffers.Binary;
using KeepOperator.NodeAgent.Netlink;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Netlink.RtnetlinkAddressCodecTests;

namespace KeepOperator.NodeAgent.Tests.Netlink;

/// <summary>The kernel's text in an NLMSG_ERROR; the echoed request's length comes from the reply, so a wrong one must not throw.</summary>
public sealed class NetlinkExtendedAckTests
{
    /// <summary>
    /// The kernel's reply to RTM_DELADDR of an address that is not there, NETLINK_EXT_ACK on (tests/TestData/seeds/netlink-reply/error.hex):
    /// errno -99, the echoed 32-byte request, then NLMSGERR_ATTR_MSG.
    /// </summary>
    private static NetlinkMessage Captured()
    {
        var messages = new List<NetlinkMessage>();
        Assert.True(NetlinkMessage.TryParseAll(Hex("500000000200000207000000796e00009dffffff200000001500050007000000000000000218000003000000080002000a63004d1c000100697076343a2041646472657373206e6f7420666f756e6400"), messages));
        return Assert.Single(messages);
    }

    [Fact]
    public void Reads_the_kernels_message() => Assert.Equal("ipv4: Address not found", NetlinkExtendedAck.Message(Captured()));

    [Theory]
    [InlineData(0xFFFFFFF0u, 64)] // read as a signed length, it pointed before the payload
    [InlineData(57u, 62)] // within the payload, but aligned past its end
    [InlineData(61u, 64)] // past the payload
    public void An_echoed_length_past_the_payload_means_no_message(uint echoedLength, int payloadLength)
    {
        var error = Captured();
        var payload = error.Payload[..payloadLength];
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(4), echoedLength);
        Assert.Null(NetlinkExtendedAck.Message(error with { Payload = payload }));
    }
}
