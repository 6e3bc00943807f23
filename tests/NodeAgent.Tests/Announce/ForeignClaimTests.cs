using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Announce;

/// <summary>Reading who an ARP packet claims to be, and when a master answers another host's claim to its VIP.</summary>
public class ForeignClaimTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("10.77.0.230");
    private static readonly PhysicalAddress Ours = PhysicalAddress.Parse("02-77-00-00-00-0B");
    private static readonly PhysicalAddress Theirs = PhysicalAddress.Parse("02-77-00-00-00-0C");
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_gratuitous_ARP_as_keepalived_and_the_agent_send_it_names_its_sender()
    {
        Span<byte> frame = stackalloc byte[GratuitousArpFrame.Length];
        GratuitousArpFrame.Build(Theirs, Vip, frame);
        Assert.True(ArpSender.TryRead(frame[14..], out var sender)); // AF_PACKET SOCK_DGRAM: no Ethernet header
        Assert.Equal(new ArpSender(Vip, Theirs), sender);
    }

    [Fact]
    public void A_reply_is_read_too_and_anything_not_Ethernet_IPv4_ARP_is_not()
    {
        byte[] reply = Convert.FromHexString("0001080006040002" + "02770000000C" + "0A4D00E6" + "02770000000B" + "0A4D000B");
        Assert.True(ArpSender.TryRead(reply, out var sender));
        Assert.Equal(new ArpSender(Vip, Theirs), sender);
        Assert.False(ArpSender.TryRead(reply.AsSpan(0, 27), out _));
        foreach (var (offset, value) in new[] { (1, (byte)6), (3, (byte)0xdd), (4, (byte)8), (7, (byte)3) })
        {
            var bad = (byte[])reply.Clone();
            bad[offset] = value;
            Assert.False(ArpSender.TryRead(bad, out _), $"byte {offset} = {value}");
        }
    }

    [Fact]
    public void Only_a_master_answers_another_MACs_claim_to_its_own_VIP_on_its_own_link_and_a_claim_too_soon_waits_its_turn()
    {
        DateTimeOffset? At(VrrpState state = VrrpState.Master, int index = 2, ArpSender? claim = null, DateTimeOffset? last = null) =>
            ForeignClaimRule.ReassertAt(state, 2, Ours, [Vip], index, claim ?? new ArpSender(Vip, Theirs), last, Now);

        Assert.Equal(Now, At());
        Assert.Null(At(state: VrrpState.Backup));
        Assert.Null(At(state: VrrpState.Fault));
        Assert.Null(At(index: 3)); // another link
        Assert.Null(At(claim: new ArpSender(Vip, Ours))); // our own announcement or ARP reply
        Assert.Null(At(claim: new ArpSender(IPAddress.Parse("10.77.0.100"), Theirs))); // a client asking
        var last = Now - TimeSpan.FromMilliseconds(100);
        Assert.Equal(last + ForeignClaimRule.MinimumInterval, At(last: last)); // deferred, not dropped
        Assert.Equal(Now, At(last: Now - ForeignClaimRule.MinimumInterval));
    }
}
