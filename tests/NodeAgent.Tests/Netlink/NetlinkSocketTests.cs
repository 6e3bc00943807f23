using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
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

    [RootFact]
    public void Batched_requests_are_all_applied_in_order_across_several_datagrams()
    {
        using var socket = _ns.ThreadA.Invoke(() => NetlinkSocket.Open(NetlinkConstants.NetlinkRoute));
        using var links = new NetworkLinks(socket);
        int link = links.Find(TestNetworkNamespaces.LinkA)!.Index;
        var addresses = Enumerable.Range(0, (NetlinkSocket.BatchSize * 2) + 10).Select(Address).ToList();
        // Added, then the first one removed again in the same call: only in order does that leave it out.
        var requests = addresses.Select(a => RtnetlinkAddressCodec.BuildAdd(link, a, 32, socket.NextSequence()))
            .Append(RtnetlinkAddressCodec.BuildDelete(link, addresses[0], 32, socket.NextSequence()))
            .ToList();

        socket.RequestAcked(requests);

        using var listing = new RtnetlinkInterfaceAddresses(socket);
        var present = listing.List().Select(a => a.Address).ToHashSet();
        Assert.Equal(addresses.Skip(1).ToHashSet(), present.Where(a => a.ToString().StartsWith("10.123.", StringComparison.Ordinal)).ToHashSet());
    }

    [RootFact]
    public void A_failed_request_in_a_batch_throws_and_no_later_batch_is_sent()
    {
        using var socket = _ns.ThreadA.Invoke(() => NetlinkSocket.Open(NetlinkConstants.NetlinkRoute));
        using var links = new NetworkLinks(socket);
        int link = links.Find(TestNetworkNamespaces.LinkA)!.Index;
        var first = Enumerable.Range(0, 5).Select(Address).ToList();
        var later = Enumerable.Range(1000, NetlinkSocket.BatchSize).Select(Address).ToList();
        var requests = first.Select(a => RtnetlinkAddressCodec.BuildAdd(link, a, 32, socket.NextSequence()))
            .Append(RtnetlinkAddressCodec.BuildDelete(link, Address(999), 32, socket.NextSequence())) // never added
            .Concat(Enumerable.Range(0, NetlinkSocket.BatchSize - first.Count - 1).Select(i => RtnetlinkAddressCodec.BuildAdd(link, Address(500 + i), 32, socket.NextSequence())))
            .Concat(later.Select(a => RtnetlinkAddressCodec.BuildAdd(link, a, 32, socket.NextSequence())))
            .ToList();

        var error = Assert.Throws<NetlinkException>(() => socket.RequestAcked(requests));

        Assert.Equal(99, error.Errno); // EADDRNOTAVAIL
        using var listing = new RtnetlinkInterfaceAddresses(socket);
        var present = listing.List().Select(a => a.Address).ToHashSet();
        Assert.True(present.IsSupersetOf(first));
        Assert.Contains(Address(500), present); // the kernel goes on after the failed request within its datagram
        Assert.False(present.Overlaps(later));
        Assert.NotNull(links.Find(TestNetworkNamespaces.LinkA)); // and the socket still answers
    }

    private static IPAddress Address(int index) => IPAddress.Parse($"10.123.{index / 250}.{(index % 250) + 1}");
}
