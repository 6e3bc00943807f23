using KeepOperator.NodeAgent.Netlink;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

public sealed class GenericNetlinkTests
{
    [Fact]
    public void Get_family_request_for_IPVS()
    {
        // nlmsghdr(len 32, GENL_ID_CTRL, REQUEST|ACK, seq 9, pid 0) + genlmsghdr(CTRL_CMD_GETFAMILY, v1)
        // + CTRL_ATTR_FAMILY_NAME "IPVS\0" padded to 4.
        Assert.Equal(
            "20000000100005000900000000000000" + "03010000" + "0900020049505653" + "00000000",
            Convert.ToHexStringLower(GenericNetlink.EncodeGetFamily("IPVS", sequence: 9)));
    }

    [Fact]
    public void Parses_the_family_id_from_the_controller_reply()
    {
        var w = GenericNetlink.CreateWriter(GenericNetlink.ControllerFamilyId, 0, GenericNetlink.CtrlCmdNewFamily, 2, 9, 4242);
        w.PutString(GenericNetlink.CtrlAttrFamilyName, "IPVS");
        w.PutU16(GenericNetlink.CtrlAttrFamilyId, 0x25);
        w.PutU32(GenericNetlink.CtrlAttrVersion, 1);
        w.BeginNested(6); // CTRL_ATTR_OPS, ignored
        w.PutU32(1, 1);
        w.EndNested();
        var reply = w.ToArray();

        Assert.Equal((ushort)0x25, GenericNetlink.ParseFamilyId(reply));
        Assert.True(GenericNetlink.TryParseFamily(reply, out var id, out var name));
        Assert.Equal((ushort)0x25, id);
        Assert.Equal("IPVS", name);
    }

    [Fact]
    public void Error_and_foreign_messages_yield_no_family_id()
    {
        // NLMSG_ERROR carrying -ENOENT (family not registered).
        var error = Convert.FromHexString("24000000020000000900000000000000" + "feffffff" + "20000000100005000900000000000000");
        Assert.Null(GenericNetlink.ParseFamilyId(error));
        Assert.Null(GenericNetlink.ParseFamilyId(GenericNetlink.CreateWriter(0x42, 0, 1, 1).ToArray()));
        Assert.Null(GenericNetlink.ParseFamilyId([]));
    }

    [Fact]
    public void Reads_header_fields()
    {
        var bytes = GenericNetlink.CreateWriter(0x42, 0x305, 4, 1, 17, 99).ToArray();
        Assert.True(GenericNetlink.TryReadMessage(bytes, out var msg));
        Assert.Equal(0x42, msg.Type);
        Assert.Equal(0x305, msg.Flags);
        Assert.Equal(17u, msg.Sequence);
        Assert.Equal(99u, msg.PortId);
        Assert.Equal(4, msg.Command);
        Assert.Equal(1, msg.Version);
        Assert.Equal(0, msg.Attributes.Length);
        Assert.False(GenericNetlink.TryReadMessage(bytes.AsSpan(0, 19), out _));
    }
}
