using System.Buffers.Binary;
using System.Diagnostics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Netlink;

public sealed class NetlinkSocketTests : IDisposable
{
    private readonly TestNetworkNamespaces _ns = TestNetworkNamespaces.Create();

    public void Dispose() => _ns.Dispose();

    [RootFact]
    public void Generic_netlink_resolves_a_family_and_waits_for_the_ack()
    {
        using var socket = _ns.ThreadA.Invoke(() => NetlinkSocket.Open(NetlinkConstants.NetlinkGeneric));
        Assert.NotEqual(0u, socket.PortId);
        const ushort GenlIdCtrl = 0x10, CtrlAttrFamilyId = 1, CtrlAttrFamilyName = 2;
        const byte CtrlCmdGetFamily = 3;
        var request = new NetlinkMessageWriter(GenlIdCtrl, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFAck, socket.NextSequence());
        var genl = request.AppendRaw(4);
        genl[0] = CtrlCmdGetFamily;
        genl[1] = 2;
        request.PutString(CtrlAttrFamilyName, "nlctrl");

        var reply = Assert.Single(socket.Request(request.ToArray()));

        Assert.Equal(GenlIdCtrl, reply.Type);
        var attributes = new NetlinkAttributeReader(reply.Payload.AsSpan(4));
        ushort? id = null;
        while (attributes.MoveNext())
        {
            if (attributes.Type == CtrlAttrFamilyId)
            {
                id = BinaryPrimitives.ReadUInt16LittleEndian(attributes.Value);
            }
        }
        Assert.Equal(GenlIdCtrl, id);
    }

    [RootFact]
    public void An_unanswered_request_times_out_and_the_socket_stays_usable()
    {
        using var socket = _ns.ThreadA.Invoke(() => NetlinkSocket.Open(NetlinkConstants.NetlinkRoute, TimeSpan.FromMilliseconds(200)));
        // Without NLM_F_REQUEST (and without NLM_F_ACK) the kernel accepts the message silently.
        var silent = new NetlinkMessageWriter(RtnetlinkConstants.RtmGetLink, 0, socket.NextSequence());
        silent.AppendRaw(RtnetlinkConstants.IfInfoMsgLength);

        var clock = Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => socket.Request(silent.ToArray()));
        Assert.InRange(clock.ElapsedMilliseconds, 150, 2000);

        using var links = new NetworkLinks(socket);
        Assert.NotNull(links.Find(TestNetworkNamespaces.LinkA));
    }
}
