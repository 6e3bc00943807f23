using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Nftables;

public sealed class NftablesRulesetRendererTests
{
    // Reviewed by hand and accepted by nft 1.0.6 on kernel 6.18 (see NftablesSyntaxTests); any change
    // to the rendering must be deliberate.
    private const string GoldenFull = """
add table inet keepoperator
delete table inet keepoperator
table inet keepoperator {
	map vs_tcp_10_77_7_250_80_backends {
		typeof numgen inc mod 1 : ip daddr . tcp dport
		elements = { 0 : 10.77.7.11 . 8080, 1 : 10.77.7.11 . 8080, 2 : 10.77.7.11 . 8080, 3 : 10.77.7.12 . 80 }
	}
	map vs_tcp_10_77_7_250_80_persist {
		type ipv4_addr : ipv4_addr . inet_service
		flags dynamic,timeout
		timeout 300s
	}
	map vs_udp_2001_db8__53_53_backends {
		typeof numgen inc mod 1 : ip6 daddr . udp dport
		elements = { 0 : 2001:db8::11 . 53, 1 : 2001:db8::12 . 53 }
	}
	map vs_fwm_7_ip_backends {
		typeof numgen inc mod 1 : ip daddr
		elements = { 0 : 10.77.7.21, 1 : 10.77.7.21, 2 : 10.77.7.22 }
	}
	map vs_sctp_10_77_7_250_9_backends {
		typeof numgen inc mod 1 : ip daddr . sctp dport
	}
	map vs_fwm_8_ip_persist {
		type ipv4_addr : ipv4_addr . inet_service
		flags dynamic,timeout
		timeout 360s
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump services
	}
	chain output {
		type nat hook output priority -100; policy accept;
		jump services
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ct status dnat ct original ip daddr 10.77.7.250 meta l4proto tcp ct original proto-dst 80 update @vs_tcp_10_77_7_250_80_persist { ip saddr & 255.255.255.0 : ip daddr . tcp dport } masquerade
		ct status dnat ct original ip6 daddr 2001:db8::53 meta l4proto udp ct original proto-dst 53 masquerade
		ct status dnat meta nfproto ipv4 meta mark 7 meta l4proto { tcp, udp, sctp } masquerade
		ct status dnat ct original ip daddr 10.77.7.250 meta l4proto sctp ct original proto-dst 9 masquerade
		ct status dnat meta nfproto ipv4 meta mark 8 meta l4proto { tcp, udp, sctp } update @vs_fwm_8_ip_persist { ip saddr : ip daddr . th dport } masquerade
	}
	chain services {
		ip daddr 10.77.7.250 meta l4proto tcp th dport 80 goto vs_tcp_10_77_7_250_80
		ip6 daddr 2001:db8::53 meta l4proto udp th dport 53 goto vs_udp_2001_db8__53_53
		meta nfproto ipv4 meta mark 7 goto vs_fwm_7_ip
		ip daddr 10.77.7.250 meta l4proto sctp th dport 9 goto vs_sctp_10_77_7_250_9
		meta nfproto ipv4 meta mark 8 goto vs_fwm_8_ip
	}
	chain vs_tcp_10_77_7_250_80 {
		meta l4proto tcp dnat ip to ip saddr & 255.255.255.0 map @vs_tcp_10_77_7_250_80_persist
		meta l4proto tcp dnat ip to numgen inc mod 4 map @vs_tcp_10_77_7_250_80_backends
	}
	chain vs_udp_2001_db8__53_53 {
		meta l4proto udp dnat ip6 to jhash ip6 saddr . th sport mod 2 seed 0x0 map @vs_udp_2001_db8__53_53_backends
	}
	chain vs_fwm_7_ip {
		meta l4proto { tcp, udp, sctp } dnat ip to numgen random mod 3 map @vs_fwm_7_ip_backends comment "wlc approximated by weighted random"
	}
	chain vs_sctp_10_77_7_250_9 {
		drop comment "no real server with weight above 0"
	}
	chain vs_fwm_8_ip {
		meta l4proto { tcp, udp, sctp } dnat ip to ip saddr map @vs_fwm_8_ip_persist
		meta l4proto { tcp, udp, sctp } dnat ip to numgen inc mod 2 map { 0 : 10.77.7.21 . 81, 1 : 10.77.7.22 . 82 }
	}
}
""" + "\n";

    private const string GoldenUpdate = """
flush chain inet keepoperator vs_tcp_10_77_7_250_80
flush map inet keepoperator vs_tcp_10_77_7_250_80_backends
add element inet keepoperator vs_tcp_10_77_7_250_80_backends { 0 : 10.77.7.11 . 8080 }
flush map inet keepoperator vs_tcp_10_77_7_250_80_persist
add rule inet keepoperator vs_tcp_10_77_7_250_80 meta l4proto tcp dnat ip to ip saddr & 255.255.255.0 map @vs_tcp_10_77_7_250_80_persist
add rule inet keepoperator vs_tcp_10_77_7_250_80 meta l4proto tcp dnat ip to numgen inc mod 1 map @vs_tcp_10_77_7_250_80_backends
flush chain inet keepoperator vs_udp_2001_db8__53_53
flush map inet keepoperator vs_udp_2001_db8__53_53_backends
add rule inet keepoperator vs_udp_2001_db8__53_53 drop comment "no real server with weight above 0"
flush chain inet keepoperator vs_fwm_7_ip
flush map inet keepoperator vs_fwm_7_ip_backends
add element inet keepoperator vs_fwm_7_ip_backends { 0 : 10.77.7.22 }
add rule inet keepoperator vs_fwm_7_ip meta l4proto { tcp, udp, sctp } dnat ip to numgen random mod 1 map @vs_fwm_7_ip_backends comment "wlc approximated by weighted random"
flush chain inet keepoperator vs_sctp_10_77_7_250_9
flush map inet keepoperator vs_sctp_10_77_7_250_9_backends
add element inet keepoperator vs_sctp_10_77_7_250_9_backends { 0 : 10.77.7.5 . 9 }
add rule inet keepoperator vs_sctp_10_77_7_250_9 meta l4proto sctp dnat ip to numgen inc mod 1 map @vs_sctp_10_77_7_250_9_backends
flush chain inet keepoperator vs_fwm_8_ip
flush map inet keepoperator vs_fwm_8_ip_persist
add rule inet keepoperator vs_fwm_8_ip meta l4proto { tcp, udp, sctp } dnat ip to ip saddr map @vs_fwm_8_ip_persist
add rule inet keepoperator vs_fwm_8_ip meta l4proto { tcp, udp, sctp } dnat ip to numgen inc mod 1 map { 0 : 10.77.7.22 . 82 }
""" + "\n";

    [Fact]
    public void Full_render_is_stable()
    {
        Assert.Equal(GoldenFull, NftablesRulesetRenderer.RenderFull(NftablesSamples.All).Text);
    }

    [Fact]
    public void Update_render_touches_only_the_changed_chains_and_maps()
    {
        Assert.Equal(GoldenUpdate, NftablesRulesetRenderer.RenderUpdate(NftablesSamples.Changes).Text);
    }

    [Fact]
    public void Full_render_notes_approximations()
    {
        var notes = NftablesRulesetRenderer.RenderFull(NftablesSamples.All).Notes;
        Assert.Equal(["-f 7: scheduler wlc approximated by weighted random choice (nftables keeps no connection counts)."], notes);
    }

    [Theory]
    [InlineData(PacketForwarding.DirectRoute)]
    [InlineData(PacketForwarding.Tunnel)]
    public void DR_and_TUN_never_render_as_NAT(PacketForwarding method)
    {
        var server = NftablesSamples.Web with { Destinations = [NftablesSamples.Web.Destinations[0] with { ForwardingMethod = method }] };

        Assert.Throws<ArgumentException>(() => NftablesRulesetRenderer.RenderFull([server]));
    }

    [Fact]
    public void Remove_deletes_only_our_table_and_tolerates_its_absence()
    {
        Assert.Equal("add table inet keepoperator\ndelete table inet keepoperator\n", NftablesRulesetRenderer.RenderRemove());
    }

    [Theory]
    [InlineData(new[] { 3, 1 }, "AAAB")]
    [InlineData(new[] { 4, 3, 2 }, "AABABCABC")]
    [InlineData(new[] { 200, 100 }, "AAB")]
    [InlineData(new[] { 1, 0, 1 }, "AC")]
    public void Wrr_slots_are_one_cycle_of_the_ipvs_wrr_sequence(int[] weights, string expected)
    {
        Assert.Equal(expected, SlotLetters("wrr", weights));
    }

    [Theory]
    [InlineData("rr", new[] { 5, 0, 1 }, "AC")]
    [InlineData("lc", new[] { 5, 0, 1 }, "AC")]
    [InlineData("sh", new[] { 2, 1 }, "AAB")]
    [InlineData("wlc", new[] { 4, 2, 0 }, "AAB")]
    [InlineData("fo", new[] { 1, 3, 3 }, "B")]
    [InlineData("fo", new[] { 0, 0 }, "")]
    public void Slots_follow_the_scheduler(string scheduler, int[] weights, string expected)
    {
        Assert.Equal(expected, SlotLetters(scheduler, weights));
    }

    [Fact]
    public void Large_weights_are_scaled_into_a_bounded_map_with_a_note()
    {
        var server = Server("wrr", [65535, 1, 30000]);
        var script = NftablesRulesetRenderer.RenderFull([server]);
        var slots = SlotLetters("wrr", [65535, 1, 30000]);
        Assert.InRange(slots.Length, 3, 1024 + 3);
        Assert.Equal(1, slots.Count(c => c == 'B'));
        Assert.InRange(slots.Count(c => c == 'A') / (double)slots.Count(c => c == 'C'), 2.1, 2.3);
        Assert.Contains(script.Notes, n => n.Contains("weights scaled", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sh", ServiceFlags.None, "jhash ip saddr mod 2 seed 0x0")]
    [InlineData("sh", ServiceFlags.Sched2, "jhash ip saddr . th sport mod 2 seed 0x0")]
    [InlineData("mh", ServiceFlags.None, "jhash ip saddr mod 2 seed 0x0")]
    [InlineData("dh", ServiceFlags.None, "jhash ip daddr mod 2 seed 0x0")]
    [InlineData("rr", ServiceFlags.None, "numgen inc mod 2 map")]
    [InlineData("nq", ServiceFlags.None, "numgen random mod 2 map @vs_tcp_10_0_0_1_80_backends comment \"nq approximated by random\"")]
    [InlineData("lblcr", ServiceFlags.None, "numgen random mod 2 map @vs_tcp_10_0_0_1_80_backends comment \"lblcr approximated by weighted random\"")]
    public void Selector_matches_the_scheduler(string scheduler, ServiceFlags flags, string expected)
    {
        var server = Server(scheduler, [1, 1]);
        server = server with { Service = server.Service with { Flags = flags } };
        Assert.Contains(expected, NftablesRulesetRenderer.RenderFull([server]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6_persistence_masks_the_client_address_by_the_prefix()
    {
        var server = new LoadBalancedService(
            new VirtualService(ServiceKey.ForFirewallMark(4, AddressFamily.InterNetworkV6))
            {
                Scheduler = "rr",
                Flags = ServiceFlags.Persistent,
                NetmaskPrefixLength = 64,
            },
            NftablesSamples.Nat("2001:db8::2", 0, 1));
        var text = NftablesRulesetRenderer.RenderFull([server]).Text;
        Assert.Contains("meta l4proto { tcp, udp, sctp } dnat ip6 to ip6 saddr & ffff:ffff:ffff:ffff:: map @vs_fwm_4_ip6_persist", text, StringComparison.Ordinal);
        Assert.Contains("update @vs_fwm_4_ip6_persist { ip6 saddr & ffff:ffff:ffff:ffff:: : ip6 daddr }", text, StringComparison.Ordinal);
        Assert.Contains("type ipv6_addr : ipv6_addr\n", text, StringComparison.Ordinal);
        Assert.Contains("timeout 360s", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6_persistence_with_ports_is_left_out_with_a_note()
    {
        var server = new LoadBalancedService(
            new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 443)) { Scheduler = "rr", Flags = ServiceFlags.Persistent },
            new ServiceDestination(IPAddress.Parse("2001:db8::2"), 443) { ForwardingMethod = PacketForwarding.Masquerade });
        var script = NftablesRulesetRenderer.RenderFull([server]);
        Assert.DoesNotContain("persist", script.Text, StringComparison.Ordinal);
        Assert.Equal(["-t [2001:db8::1]:443: persistence is not rendered for an IPv6 service with ports (nft 1.0.6 cannot update such a map); connections are scheduled one by one."], script.Notes);
    }

    [Fact]
    public void Chain_names_are_valid_identifiers_unique_per_key()
    {
        Assert.Equal("vs_fwm_9_ip6", NftablesVirtualServerLayout.ChainName(ServiceKey.ForFirewallMark(9, AddressFamily.InterNetworkV6)));
        Assert.Equal("vs_udp___ffff_10_0_0_1_53", NftablesVirtualServerLayout.ChainName(ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("::ffff:10.0.0.1"), 53)));
        Assert.NotEqual(
            NftablesVirtualServerLayout.ChainName(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80)),
            NftablesVirtualServerLayout.ChainName(ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("10.0.0.1"), 80)));
    }

    [Fact]
    public void Rejects_what_nftables_cannot_express()
    {
        var web = NftablesSamples.Web;
        Assert.Throws<ArgumentException>(() => NftablesRulesetRenderer.RenderFull([web, web]));
        Assert.Throws<ArgumentException>(() => NftablesRulesetRenderer.RenderFull(
            [web with { Destinations = [NftablesSamples.Nat("2001:db8::2", 80, 1)] }]));
        // Port 0 means the service's port, so these two are the same real server.
        Assert.Throws<ArgumentException>(() => NftablesRulesetRenderer.RenderFull(
            [web with { Destinations = [NftablesSamples.Nat("10.0.0.2", 0, 1), NftablesSamples.Nat("10.0.0.2", 80, 1)] }]));
        Assert.Throws<ArgumentException>(() => NftablesRulesetRenderer.RenderFull(
            [NftablesSamples.Mark with { Destinations = [NftablesSamples.Nat("10.0.0.2", 0, 1), NftablesSamples.Nat("10.0.0.3", 80, 1)] }]));
        Assert.Throws<ArgumentException>(() => NftablesRulesetRenderer.RenderFull(
            [web with { Destinations = [NftablesSamples.Nat("10.0.0.2", 80, -1)] }]));
    }

    [Fact]
    public void Update_refuses_a_change_beyond_real_servers()
    {
        var web = NftablesSamples.Web;
        var shorter = web with { Service = web.Service with { PersistenceTimeout = 30 } };
        Assert.False(NftablesRulesetRenderer.CanUpdateInPlace(web, shorter));
        Assert.Throws<ArgumentException>(() => NftablesRulesetRenderer.RenderUpdate([(web, shorter)]));
        Assert.True(NftablesRulesetRenderer.CanUpdateInPlace(web, web with { Service = web.Service with { Scheduler = "sh" } }));
    }

    [Fact]
    public void Persistence_entries_survive_an_update_that_only_adds_servers()
    {
        var web = NftablesSamples.Web;
        var grown = web with { Destinations = [.. web.Destinations, NftablesSamples.Nat("10.77.7.14", 80, 1)] };
        var text = NftablesRulesetRenderer.RenderUpdate([(web, grown)]).Text;
        Assert.DoesNotContain("flush map inet keepoperator vs_tcp_10_77_7_250_80_persist", text, StringComparison.Ordinal);
        Assert.Contains("flush map inet keepoperator vs_tcp_10_77_7_250_80_backends", text, StringComparison.Ordinal);
    }

    private static LoadBalancedService Server(string scheduler, int[] weights) => new(
        new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80)) { Scheduler = scheduler },
        weights.Select((w, i) => NftablesSamples.Nat($"10.0.1.{i + 1}", 80, w)).ToArray());

    /// <summary>The slot table as letters: A for the first real server, B for the second, ...</summary>
    private static string SlotLetters(string scheduler, int[] weights)
    {
        var layout = NftablesVirtualServerLayout.Of(Server(scheduler, weights));
        return string.Concat(layout.Slots.Select(value => (char)('A' + int.Parse(value.Split(' ')[0].Split('.')[3], System.Globalization.CultureInfo.InvariantCulture) - 1)));
    }
}
