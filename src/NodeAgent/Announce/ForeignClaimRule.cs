using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// When a master answers another host's ARP claim to one of its VIPs with a burst of its own gratuitous ARPs. A backup
/// that was master for an instant (it missed three adverts under packet loss) has already pointed the neighbours at its
/// MAC; if its one advert as master was lost too, the real master never hears of it (RFC 5798 has it re-advertise
/// only on a lower-priority advert), and the neighbours keep sending to a node without the VIP until their neighbour
/// entry fails, 8 s in the lab's chaos soak. At most one burst per <see cref="MinimumInterval"/>: a claim inside it is
/// answered when it ends, not dropped (the soak saw the transient master's last burst answer the real master's and win),
/// and two masters of a real split brain answering each other stay bounded.
/// </summary>
public static class ForeignClaimRule
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>When to announce again in answer to <paramref name="claim"/>: now, at the end of the interval since the last burst, or never (null).</summary>
    public static DateTimeOffset? ReassertAt(VrrpState state, int holderIndex, PhysicalAddress holderMac, IReadOnlyList<IPAddress> vips, int claimIndex, ArpSender claim, DateTimeOffset? lastReassert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(holderMac);
        ArgumentNullException.ThrowIfNull(vips);
        var answers = state == VrrpState.Master
            && claimIndex == holderIndex
            && !claim.Mac.Equals(holderMac) // our own announcements and ARP replies
            && vips.Contains(claim.Address);
        return !answers ? null : lastReassert is { } last && last + MinimumInterval > now ? last + MinimumInterval : now;
    }
}
