using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Config;

/// <summary>A VirtualIp resolved as the operator or the standalone loader resolves it, then bound to a made-up host.</summary>
public class InstanceBinderTests
{
    internal static readonly IReadOnlyList<InterfaceAddress> Host =
    [
        new(1, "lo", IPAddress.Parse("127.0.0.1"), 8),
        new(1, "lo", IPAddress.Parse("::1"), 128),
        new(2, "eth0", IPAddress.Parse("10.77.0.11"), 24),
        new(2, "eth0", IPAddress.Parse("10.77.0.12"), 24),
        new(2, "eth0", IPAddress.Parse("2001:db8:77::11"), 64),
        new(2, "eth0", IPAddress.Parse("fe80::11"), 64),
        new(3, "eth1", IPAddress.Parse("192.168.5.2"), 16),
        new(3, "eth1", IPAddress.Parse("192.168.99.2"), 24),
        new(4, "eth2", IPAddress.Parse("2001:db8:99::2"), 64),
    ];

    private static VirtualIp Vip(Action<VirtualIpSpec>? change = null)
    {
        var vip = new VirtualIp
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new VirtualIpSpec { Addresses = ["10.77.0.250"], VirtualRouterId = 51 },
        };
        change?.Invoke(vip.Spec);
        return vip;
    }

    private static InstanceBinding Bind(VirtualIp vip, string node = "n1", IReadOnlyList<InterfaceAddress>? host = null, Func<SecretKeySelector, string?>? readSecret = null) =>
        InstanceBinder.Bind(VirtualIpResolver.Resolve(vip, vip.Spec.VirtualRouterId!.Value, VirtualIpResolver.PriorityFor(vip.Spec, node), "default"), host ?? Host, readSecret);

    private static VrrpInstanceSettings Resolved(VirtualIp vip, string node = "n1", IReadOnlyList<InterfaceAddress>? host = null)
    {
        var result = Bind(vip, node, host);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Settings!;
    }

    private static FieldError Failed(VirtualIp vip, string node = "n1", IReadOnlyList<InterfaceAddress>? host = null)
    {
        var result = Bind(vip, node, host);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Defaults_are_applied()
    {
        var s = Resolved(Vip());
        Assert.Equal("web", s.Name);
        Assert.Equal(
            new VrrpRouterConfig("web", VrrpVersion.V2, 51, 100, TimeSpan.FromSeconds(1), true, TimeSpan.Zero, IPAddress.Parse("10.77.0.11"), s.Router.VirtualAddresses),
            s.Router);
        Assert.Equal([IPAddress.Parse("10.77.0.250")], s.Router.VirtualAddresses);
        Assert.Equal("eth0", s.InterfaceName);
        Assert.Equal(2, s.InterfaceIndex);
        Assert.Equal([new VirtualAddress(IPAddress.Parse("10.77.0.250"), 32)], s.VirtualAddresses);
        Assert.Null(s.Password);
        Assert.Equal(new GratuitousArpSettings(5, TimeSpan.FromSeconds(5), TimeSpan.Zero), s.GratuitousArp);
        Assert.Empty(s.Track);
    }

    [Fact]
    public void Everything_given_is_used()
    {
        var vip = Vip(s =>
        {
            s.Addresses = ["10.77.0.250/24", "10.77.0.251"];
            s.Interface = "eth1";
            s.AdvertInterval = "3s";
            s.Preempt = false;
            s.PreemptDelay = "30s";
            s.Authentication = new() { Password = "secret" };
            s.GratuitousArp = new() { Repeat = 2, Delay = "0s", RefreshInterval = "1m" };
        });
        vip.Metadata.Namespace = "prod";
        var settings = Resolved(vip);
        Assert.Equal("prod/web", settings.Name);
        Assert.Equal("prod/web", settings.Router.Name);
        Assert.Equal("eth1", settings.InterfaceName);
        Assert.Equal(3, settings.InterfaceIndex);
        Assert.Equal(IPAddress.Parse("192.168.5.2"), settings.Router.PrimaryAddress);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Router.AdvertInterval);
        Assert.False(settings.Router.Preempt);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Router.PreemptDelay);
        Assert.Equal("secret", settings.Password);
        Assert.Equal(new GratuitousArpSettings(2, TimeSpan.Zero, TimeSpan.FromMinutes(1)), settings.GratuitousArp);
        Assert.Equal(
            [new VirtualAddress(IPAddress.Parse("10.77.0.250"), 24), new VirtualAddress(IPAddress.Parse("10.77.0.251"), 32)],
            settings.VirtualAddresses);
    }

    [Theory]
    [InlineData("n1", 100)]
    [InlineData("n2", 90)]
    [InlineData("N2", 90)]
    [InlineData("n3", 70)]
    public void Priority_comes_from_the_node_entry_else_the_default(string node, int expected)
    {
        var vip = Vip(s =>
        {
            s.Priorities = [new() { NodeName = "n1", Priority = 100 }, new() { NodeName = "n2", Priority = 90 }];
            s.DefaultPriority = 70;
        });
        Assert.Equal(expected, Resolved(vip, node).Router.Priority);
    }

    [Fact]
    public void Priority_defaults_to_100_without_default_priority()
    {
        Assert.Equal(100, Resolved(Vip(s => s.Priorities = [new() { NodeName = "other", Priority = 200 }]), "n1").Router.Priority);
    }

    [Fact]
    public void Interface_is_the_one_whose_subnet_holds_the_first_address_longest_prefix_first()
    {
        Assert.Equal("eth1", Resolved(Vip(s => s.Addresses = ["192.168.99.77"])).InterfaceName);
        var host = Host.Append(new InterfaceAddress(5, "eth3", IPAddress.Parse("192.168.99.1"), 28)).ToList();
        Assert.Equal("eth3", Resolved(Vip(s => s.Addresses = ["192.168.99.5"]), host: host).InterfaceName);
        Assert.Equal("eth1", Resolved(Vip(s => s.Addresses = ["192.168.99.77"]), host: host).InterfaceName);
    }

    [Fact]
    public void No_subnet_holding_the_address_is_an_error_naming_it()
    {
        var error = Failed(Vip(s => s.Addresses = ["172.16.0.1"]));
        Assert.Equal("spec.addresses[0]", error.Path);
        Assert.Equal("no interface on this node has a subnet holding 172.16.0.1; set spec.interface", error.Message);
    }

    [Fact]
    public void The_same_subnet_on_two_interfaces_is_ambiguous()
    {
        var host = Host.Append(new InterfaceAddress(6, "eth4", IPAddress.Parse("10.77.0.99"), 24)).ToList();
        var error = Failed(Vip(), host: host);
        Assert.Contains("both eth0 and eth4; set spec.interface", error.Message, StringComparison.Ordinal);
        Assert.Equal("eth4", Resolved(Vip(s => s.Interface = "eth4"), host: host).InterfaceName);
    }

    [Fact]
    public void A_vip_already_on_the_interface_is_neither_the_subnet_nor_the_primary()
    {
        // After an agent restart the VIP may still be bound (as /32, or listed first).
        var host = new List<InterfaceAddress>
        {
            new(2, "eth0", IPAddress.Parse("10.77.0.250"), 32),
            new(7, "eth9", IPAddress.Parse("10.77.0.250"), 24),
            new(2, "eth0", IPAddress.Parse("10.77.0.11"), 24),
        };
        var s = Resolved(Vip(), host: host);
        Assert.Equal("eth0", s.InterfaceName);
        Assert.Equal(IPAddress.Parse("10.77.0.11"), s.Router.PrimaryAddress);
    }

    [Fact]
    public void Unknown_interface_is_an_error()
    {
        var error = Failed(Vip(s => s.Interface = "eth7"));
        Assert.Equal(new FieldError("spec.interface", "interface \"eth7\" does not exist on this node or has no address"), error);
    }

    [Fact]
    public void Ipv4_needs_an_ipv4_primary_on_the_interface()
    {
        var error = Failed(Vip(s => s.Interface = "eth2"));
        Assert.Equal("spec.interface", error.Path);
        Assert.Equal("interface eth2 has no IPv4 address (other than the virtual addresses) to send IPv4 advertisements from", error.Message);
    }

    [Fact]
    public void Ipv6_uses_the_link_local_as_primary()
    {
        var s = Resolved(Vip(s => { s.Addresses = ["2001:db8:77::250"]; s.VrrpVersion = 3; s.AdvertInterval = "100ms"; }));
        Assert.Equal("eth0", s.InterfaceName);
        Assert.Equal(IPAddress.Parse("fe80::11"), s.Router.PrimaryAddress);
        Assert.Equal(VrrpVersion.V3, s.Router.Version);
        Assert.Equal(TimeSpan.FromMilliseconds(100), s.Router.AdvertInterval);
        Assert.Equal([new VirtualAddress(IPAddress.Parse("2001:db8:77::250"), 128)], s.VirtualAddresses);
    }

    [Fact]
    public void Ipv6_without_link_local_is_an_error()
    {
        var error = Failed(Vip(s => { s.Addresses = ["2001:db8:99::250"]; s.VrrpVersion = 3; }));
        Assert.Equal("spec.addresses[0]", error.Path);
        Assert.Equal("interface eth2 has no IPv6 link-local (fe80::/10) address to send IPv6 advertisements from", error.Message);
    }

    [Fact]
    public void Secret_password_is_read_through_the_callback()
    {
        var vip = Vip(s => s.Authentication = new() { PasswordSecretRef = new() { Name = "vrrp", Key = "pw" } });
        vip.Metadata.Namespace = "prod";
        Assert.Equal("spec.authentication.passwordSecretRef", Failed(vip).Path);
        var result = Bind(vip, readSecret: r => r is { Namespace: "default", Name: "vrrp", Key: "pw" } ? "s3cret" : null); // cluster-scoped: the operator's namespace
        Assert.Equal("s3cret", result.Settings!.Password);
        var tooLong = Bind(vip, readSecret: _ => "too-long-password");
        Assert.Contains("1 to 8 bytes", Assert.Single(tooLong.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_urls_inline_or_read_from_their_Secret_and_checked_as_inline_ones_are()
    {
        var vip = Vip(s => s.Webhooks =
        [
            new() { Url = "https://hooks.example/vrrp", CaBundle = "PEM", Timeout = "2s", Attempts = 3 },
            new() { UrlSecretRef = new() { Name = "hooks", Key = "url" } },
        ]);
        Assert.Equal("spec.webhooks[1].urlSecretRef", Failed(vip).Path);

        var result = Bind(vip, readSecret: r => r is { Namespace: "default", Name: "hooks", Key: "url" } ? "http://10.0.0.5:8080/t0ken\n" : null);
        Assert.Equal(
            [
                new WebhookTarget(new Uri("https://hooks.example/vrrp"), "PEM", TimeSpan.FromSeconds(2), 3),
                new WebhookTarget(new Uri("http://10.0.0.5:8080/t0ken"), null, TimeSpan.FromSeconds(5), 4),
            ],
            result.Settings!.Webhooks!);

        var withCredentials = Bind(vip, readSecret: _ => "https://user:pw@hooks.example/");
        Assert.Contains("must not carry credentials", Assert.Single(withCredentials.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Track_checks_get_defaults_and_pods_checks_are_left_to_the_operator()
    {
        var vip = Vip(s => s.Track =
        [
            new() { Name = "api", Tcp = new() { Port = 6443 } },
            new() { Name = "web", Http = new() { Url = "http://127.0.0.1:8080/healthz", ExpectedStatus = "200,204" }, Weight = -20, Interval = "5s", Timeout = "2s", Rise = 3, Fall = 2 },
            new() { Name = "pods", Pods = new() { Selector = new() { MatchLabels = new() { ["app"] = "web" } } } },
        ]);
        var track = Resolved(vip).Track;
        Assert.Equal(2, track.Count);
        Assert.Equal(new TrackCheckSettings("api", new TcpTrackTarget("127.0.0.1", 6443), 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 1, 1), track[0]);
        Assert.Equal(
            new TrackCheckSettings("web", new HttpTrackTarget(new Uri("http://127.0.0.1:8080/healthz"), HttpStatusRanges.Parse("200,204")), -20, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 3, 2),
            track[1]);
    }

    [Theory]
    [InlineData("10.0.0.0", 8, "10.255.1.2", true)]
    [InlineData("10.0.0.0", 8, "11.0.0.1", false)]
    [InlineData("192.168.99.2", 23, "192.168.98.1", true)]
    [InlineData("192.168.99.2", 23, "192.168.100.1", false)]
    [InlineData("10.1.1.1", 0, "200.1.1.1", true)]
    [InlineData("10.1.1.1", 32, "10.1.1.1", true)]
    [InlineData("10.1.1.1", 32, "10.1.1.2", false)]
    [InlineData("2001:db8::1", 64, "2001:db8::ffff", true)]
    [InlineData("2001:db8::1", 64, "2001:db8:0:1::1", false)]
    [InlineData("2001:db8::1", 64, "10.0.0.1", false)]
    public void Subnet_contains(string network, int prefix, string address, bool expected)
    {
        Assert.Equal(expected, InstanceBinder.SubnetContains(IPAddress.Parse(network), prefix, IPAddress.Parse(address)));
    }

    [Fact]
    public void Unicast_peers_are_bound_without_this_hosts_own_which_is_the_source()
    {
        var s = Resolved(Vip(s => s.Unicast = new() { Peers = ["10.77.0.21", "10.77.0.12", "10.77.0.22"] }));
        Assert.Equal([IPAddress.Parse("10.77.0.21"), IPAddress.Parse("10.77.0.22")], s.Router.UnicastPeers);
        Assert.Equal(IPAddress.Parse("10.77.0.12"), s.Router.PrimaryAddress); // what the others expect to hear from
        Assert.Equal(IPAddress.Parse("10.77.0.11"), s.InterfaceAddress);
        Assert.Equal(IPAddress.Parse("10.77.0.11"), Resolved(Vip(s => s.Unicast = new() { Peers = ["10.77.0.21"] })).Router.PrimaryAddress);
        Assert.Null(Resolved(Vip()).Router.UnicastPeers);
    }

    [Fact]
    public void Unicast_source_must_be_on_the_interface_and_may_be_a_global_IPv6_address()
    {
        var s = Resolved(Vip(s => s.Unicast = new() { Peers = ["10.77.0.21"], SourceAddress = "10.77.0.12" }));
        Assert.Equal(IPAddress.Parse("10.77.0.12"), s.Router.PrimaryAddress); // ties are broken on what peers see
        Assert.Equal(IPAddress.Parse("10.77.0.11"), s.InterfaceAddress);

        var v6 = Resolved(Vip(s => { s.Addresses = ["2001:db8:77::250"]; s.VrrpVersion = 3; s.Unicast = new() { Peers = ["2001:db8:77::21"], SourceAddress = "2001:db8:77::11" }; }));
        Assert.Equal(IPAddress.Parse("2001:db8:77::11"), v6.Router.PrimaryAddress);
        Assert.Equal(IPAddress.Parse("fe80::11"), v6.InterfaceAddress); // the shared socket still opens on the link-local address

        var error = Failed(Vip(s => s.Unicast = new() { Peers = ["10.77.0.21"], SourceAddress = "192.168.5.2" }));
        Assert.Equal("spec.unicast.sourceAddress", error.Path);
        Assert.Contains("192.168.5.2", error.Message, StringComparison.Ordinal);
    }
}
