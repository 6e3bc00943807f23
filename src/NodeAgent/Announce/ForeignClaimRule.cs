using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// When a master answers another host's ARP claim to one of its VIPs with a burst of its own gratuitous ARPs. A backup
/// that was master for an instant (it missed three adverts under packet loss) has already pointed the neighbours at its
/// MAC; if its one advert as master was lost too, the real master never hears of it (RFC 5798 has it re-advertise
/// only on a lower-priority advert), and the neighbours keep sending to a node without the VIP until their neighbour
/// entry fails, 8 s in the lab's chaos soak. At most one burst a second, so two masters of a real split brain do not
/// flood the segment answering each other.
/// </summary>
public static class ForeignClaimRule
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    public static bool Reassert(VrrpState state, int holderIndex, PhysicalAddress holderMac, IReadOnlyList<IPAddress> vips, int claimIndex, ArpSender claim, DateTimeOffset? lastReassert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(holderMac);
        ArgumentNullException.ThrowIfNull(vips);
        return state == VrrpState.Master
            && claimIndex == holderIndex
            && !claim.Mac.Equals(holderMac) // our own announcements and ARP replies
            && vips.Contains(claim.Address)
            && (lastReassert is not { } last || now - last >= MinimumInterval);
    }
}
