using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
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

    /// <summary>
    /// What arrives on the peer: a raw ICMPv6 socket in B reads the NA A's announcer sent. RFC 5798 6.4.2 asks for the
    /// Router flag; RFC 4861 4.4 puts R (0x80), S (0x40), O (0x20) in the first flags byte. Also checks the checksum
    /// the kernel filled in against the pseudo-header (RFC 4443 2.3) with ff02::1 as the destination.
    /// </summary>
    [RootFact]
    public void Unsolicited_na_on_the_wire_has_router_and_override_set_and_solicited_clear()
    {
        var (link, announcer) = Setup();
        using var _ = announcer;
        using var listener = _ns.ThreadB.Invoke(() =>
        {
            var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
            socket.ReceiveTimeout = 200;
            return socket;
        });

        Assert.Equal(1, announcer.Announce(link, [Vip6]));

        var buffer = new byte[1500];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "No NA for the VIP arrived on " + LinkB);
            EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
            int length;
            try
            {
                length = listener.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                continue;
            }
            var message = buffer.AsSpan(0, length);
            if (length < 24 || message[0] != UnsolicitedNeighborAdvertisement.IcmpTypeNeighborAdvertisement
                || !new IPAddress(message[8..24]).Equals(Vip6))
            {
                continue; // MLD reports, router solicitations, ...
            }

            Assert.Equal(32, length);
            Assert.Equal(0, message[1]);                                    // code
            Assert.Equal(UnsolicitedNeighborAdvertisement.FlagRouter | UnsolicitedNeighborAdvertisement.FlagOverride, message[4]); // R=1 S=0 O=1
            Assert.Equal(0, message[4] & UnsolicitedNeighborAdvertisement.FlagSolicited);
            Assert.Equal(UnsolicitedNeighborAdvertisement.OptionTargetLinkLayerAddress, message[24]);
            Assert.Equal(link.HardwareAddress.GetAddressBytes(), message[26..32].ToArray());
            // The checksum only adds up with ff02::1 as the destination, so this also checks where it was sent.
            var source = ((IPEndPoint)from).Address;
            Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(message[2..4]));
            Assert.Equal(0xffff, OnesComplementSum(source, IPAddress.Parse("ff02::1"), message));
            return;
        }
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

    /// <summary>One's complement sum over the ICMPv6 pseudo-header and message; 0xffff when the checksum is right.</summary>
    private static int OnesComplementSum(IPAddress source, IPAddress destination, ReadOnlySpan<byte> message)
    {
        var pseudo = new byte[40];
        source.TryWriteBytes(pseudo.AsSpan(0, 16), out _);
        destination.TryWriteBytes(pseudo.AsSpan(16, 16), out _);
        BinaryPrimitives.WriteInt32BigEndian(pseudo.AsSpan(32), message.Length);
        pseudo[39] = (byte)ProtocolType.IcmpV6;
        long sum = 0;
        foreach (var part in new[] { pseudo, message.ToArray() })
        {
            for (var i = 0; i < part.Length; i += 2)
            {
                sum += (part[i] << 8) | (i + 1 < part.Length ? part[i + 1] : 0);
            }
        }
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int)sum;
    }

    private static string MacText(PhysicalAddress mac) => string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2")));
}
