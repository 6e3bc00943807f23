using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Infrastructure.TestNetworkNamespaces;

namespace KeepOperator.NodeAgent.Tests.Announce;

/// <summary>
/// Namespace A announces VIPs; namespace B's neighbour table must move them to A's MAC. Linux overrides an existing
/// entry on a gratuitous ARP / an NA with the Override flag, so B first gets stale entries pointing elsewhere.
/// </summary>
public sealed class AddressAnnouncerTests : IDisposable
{
    private const string ElsewhereMac = "02:00:00:00:00:01";
    private static readonly IPAddress Vip4 = IPAddress.Parse("10.77.8.100");
    private static readonly IPAddress Vip6 = IPAddress.Parse("fd77:8::100");

    private readonly TestNetworkNamespaces _ns = Create();

    public void Dispose() => _ns.Dispose();

    [RootFact]
    public void Gratuitous_arp_and_unsolicited_na_move_the_peers_neighbour_entries()
    {
        var (link, announcer) = Setup();
        using var _ = announcer;
        Ip(_ns.B, "neigh", "replace", Vip4.ToString(), "lladdr", ElsewhereMac, "nud", "stale", "dev", LinkB);
        Ip(_ns.B, "-6", "neigh", "replace", Vip6.ToString(), "lladdr", ElsewhereMac, "nud", "stale", "dev", LinkB);
        Assert.Contains(ElsewhereMac, Ip(_ns.B, "neigh", "show", Vip4.ToString(), "dev", LinkB));

        Assert.Equal(2, announcer.Announce(link, [Vip4, Vip6]));

        string mac = MacText(link.HardwareAddress);
        Assert.True(WaitUntil(() => Ip(_ns.B, "neigh", "show", Vip4.ToString(), "dev", LinkB).Contains(mac), TimeSpan.FromSeconds(3)),
            "ARP entry not updated: " + Ip(_ns.B, "neigh", "show", "dev", LinkB));
        Assert.True(WaitUntil(() => Ip(_ns.B, "-6", "neigh", "show", Vip6.ToString(), "dev", LinkB).Contains(mac), TimeSpan.FromSeconds(3)),
            "NDP entry not updated: " + Ip(_ns.B, "-6", "neigh", "show", "dev", LinkB));
    }

    [RootFact]
    public void Gratuitous_arp_creates_an_entry_where_arp_accept_is_on()
    {
        var (link, announcer) = Setup();
        using var _ = announcer;
        Assert.DoesNotContain("10.77.8.101 ", Ip(_ns.B, "neigh", "show", "dev", LinkB));

        announcer.Announce(link, [IPAddress.Parse("10.77.8.101")]);

        Assert.True(WaitUntil(() => Ip(_ns.B, "neigh", "show", "10.77.8.101", "dev", LinkB).Contains(MacText(link.HardwareAddress)), TimeSpan.FromSeconds(3)));
    }

    [RootFact]
    public void A_link_without_an_ethernet_address_is_skipped()
    {
        using var announcer = _ns.ThreadA.Invoke(() => new AddressAnnouncer());
        var loopback = _ns.ThreadA.Invoke(() =>
        {
            using var links = new NetworkLinks();
            return links.Find("lo")!;
        });

        Assert.Equal(0, announcer.Announce(loopback with { HardwareAddress = PhysicalAddress.None }, [Vip4, Vip6]));
    }

    private (NetworkLink Link, AddressAnnouncer Announcer) Setup() => _ns.ThreadA.Invoke(() =>
    {
        using var links = new NetworkLinks();
        var link = links.Find(LinkA)!;
        using var addresses = new RtnetlinkInterfaceAddresses();
        addresses.Add(link.Index, Vip4, 32);
        addresses.Add(link.Index, Vip6, 128);
        return (link, new AddressAnnouncer());
    });

    private static string MacText(PhysicalAddress mac) => string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2")));
}
