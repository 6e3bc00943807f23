using System.Net;
using System.Text.Json;
using KeepOperator.Api.Instances;
using Xunit;

namespace KeepOperator.Api.Tests;

public sealed class VirtualIpResolverTests
{
    private static VirtualIp Vip(Action<VirtualIpSpec>? change = null)
    {
        var vip = new VirtualIp { Metadata = new ObjectMeta { Name = "web", Generation = 4 }, Spec = new VirtualIpSpec { Addresses = ["10.77.0.250"] } };
        change?.Invoke(vip.Spec);
        Assert.Empty(VirtualIpValidator.Validate(vip)); // the resolver's contract: only valid input
        return vip;
    }

    [Fact]
    public void Every_default_is_applied()
    {
        var instance = VirtualIpResolver.Resolve(Vip(), 7, 100, "kube-system");
        Assert.Equal("web", instance.Name);
        Assert.Equal(4, instance.Generation);
        Assert.Equal(7, instance.VirtualRouterId);
        Assert.Equal(VrrpVersion.V2, instance.Version);
        Assert.Equal(100, instance.Priority);
        Assert.Equal(TimeSpan.FromSeconds(1), instance.AdvertInterval);
        Assert.True(instance.Preempt);
        Assert.Equal(TimeSpan.Zero, instance.PreemptDelay);
        Assert.Equal([new VirtualAddress(IPAddress.Parse("10.77.0.250"), 32)], instance.Addresses);
        Assert.Null(instance.Interface);
        Assert.Null(instance.Password);
        Assert.Null(instance.PasswordSecretRef);
        Assert.Equal(new GratuitousArpSettings(5, TimeSpan.FromSeconds(5), TimeSpan.Zero), instance.GratuitousArp);
        Assert.Empty(instance.Track);
        Assert.Empty(instance.TrackInterfaces);
        Assert.Null(instance.SyncGroup);
    }

    [Fact]
    public void Tracked_interfaces_default_to_weight_0_and_the_sync_group_is_passed_on()
    {
        var instance = VirtualIpResolver.Resolve(Vip(s =>
        {
            s.TrackInterfaces = [new TrackInterface { Name = "eth1" }, new TrackInterface { Name = "bond0" }];
            s.SyncGroup = "router";
        }), 7, 100, "kube-system");
        Assert.Equal([new TrackInterfaceSettings("eth1", 0), new TrackInterfaceSettings("bond0", 0)], instance.TrackInterfaces);
        Assert.Equal("router", instance.SyncGroup);

        var weighted = VirtualIpResolver.Resolve(Vip(s => s.TrackInterfaces = [new TrackInterface { Name = "eth1", Weight = -20 }]), 7, 100, "kube-system");
        Assert.Equal([new TrackInterfaceSettings("eth1", -20)], weighted.TrackInterfaces);
    }

    [Theory]
    [InlineData("n1", 150)]
    [InlineData("N2", 90)]
    [InlineData("n3", 70)]
    public void Priority_is_the_node_entry_else_the_default(string node, int expected)
    {
        var vip = Vip(s =>
        {
            s.Priorities = [new() { NodeName = "n1", Priority = 150 }, new() { NodeName = "n2", Priority = 90 }];
            s.DefaultPriority = 70;
        });
        Assert.Equal(expected, VirtualIpResolver.PriorityFor(vip.Spec, node));
    }

    [Fact]
    public void Webhooks_get_defaults_and_their_secret_a_namespace_and_travel_in_the_node_config()
    {
        var vip = Vip(s => s.Webhooks =
        [
            new() { Url = "https://hooks.example/vrrp", Timeout = "2s", Attempts = 2 },
            new() { UrlSecretRef = new() { Name = "hooks", Key = "url" } },
        ]);
        var instance = VirtualIpResolver.Resolve(vip, 7, 100, "kube-system");
        Assert.Equal(
            [
                new WebhookSettings { Url = "https://hooks.example/vrrp", Timeout = TimeSpan.FromSeconds(2), Attempts = 2 },
                new WebhookSettings { UrlSecretRef = instance.Webhooks![1].UrlSecretRef, Timeout = TimeSpan.FromSeconds(5), Attempts = 4 },
            ],
            instance.Webhooks);
        var secret = instance.Webhooks[1].UrlSecretRef!;
        Assert.Equal(("kube-system", "hooks", "url"), (secret.Namespace, secret.Name, secret.Key));

        var json = JsonSerializer.Serialize(instance, ApiJsonContext.Default.VrrpInstance);
        Assert.Contains("\"webhooks\":[{\"url\":\"https://hooks.example/vrrp\",\"timeout\":\"2s\",\"attempts\":2}", json, StringComparison.Ordinal);
        Assert.Null(VirtualIpResolver.Resolve(Vip(), 7, 100, "default").Webhooks);
    }

    [Fact]
    public void A_secret_without_a_namespace_gets_the_one_given()
    {
        var vip = Vip(s => s.Authentication = new() { PasswordSecretRef = new() { Name = "vrrp", Key = "pw" } });
        var secret = VirtualIpResolver.Resolve(vip, 7, 100, "kube-system").PasswordSecretRef!;
        Assert.Equal(("kube-system", "vrrp", "pw"), (secret.Namespace, secret.Name, secret.Key));
        vip.Spec.Authentication!.PasswordSecretRef!.Namespace = "prod";
        Assert.Equal("prod", VirtualIpResolver.Resolve(vip, 7, 100, "kube-system").PasswordSecretRef!.Namespace);
    }

    [Fact]
    public void Pods_tracks_stay_with_the_operator_the_others_get_defaults()
    {
        var vip = Vip(s => s.Track =
        [
            new() { Name = "api", Tcp = new() { Port = 6443 } },
            new() { Name = "pods", Pods = new() { Selector = new() { MatchLabels = new() { ["app"] = "web" } } }, Weight = -10 },
            new() { Name = "web", Http = new() { Url = "http://127.0.0.1:8080/healthz" }, Weight = -20, Interval = "5s", Timeout = "2s", Rise = 3, Fall = 2 },
        ]);
        Assert.Equal(
            [
                new TrackCheckSettings("api", new TcpTrackTarget("127.0.0.1", 6443), 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 1, 1),
                new TrackCheckSettings("web", new HttpTrackTarget(new Uri("http://127.0.0.1:8080/healthz"), HttpStatusRanges.Default), -20, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 3, 2),
            ],
            VirtualIpResolver.Resolve(vip, 7, 100, "default").Track);
    }

    [Fact]
    public void On_the_wire_durations_are_Go_durations_and_addresses_carry_their_prefix()
    {
        var vip = Vip(s => { s.Addresses = ["2001:db8::5/64"]; s.VrrpVersion = 3; s.AdvertInterval = "50ms"; s.Track = [new() { Name = "api", Tcp = new() { Port = 6443 } }]; });
        var instance = VirtualIpResolver.Resolve(vip, 7, 100, "default");
        var json = JsonSerializer.SerializeToNode(instance, ApiJsonContext.Default.VrrpInstance)!;
        Assert.Equal("50ms", (string?)json["advertInterval"]);
        Assert.Equal(3, (int?)json["version"]);
        Assert.Equal("2001:db8::5/64", (string?)json["addresses"]![0]);
        Assert.Equal("tcp", (string?)json["track"]![0]!["target"]!["type"]);
        var back = json.Deserialize(ApiJsonContext.Default.VrrpInstance)!;
        Assert.Equal(instance.AdvertInterval, back.AdvertInterval);
        Assert.Equal(instance.Addresses, back.Addresses);
        Assert.Equal(instance.Track, back.Track);
    }

    private static readonly NodeAddresses[] DualStackNodes =
    [
        new("n1", [IPAddress.Parse("10.77.0.1"), IPAddress.Parse("2001:db8::1")]),
        new("n2", [IPAddress.Parse("2001:db8::2"), IPAddress.Parse("10.77.0.2")]),
        new("n3", [IPAddress.Parse("2001:db8::3")]),
    ];

    [Fact]
    public void Without_unicast_the_instance_multicasts()
    {
        Assert.Null(VirtualIpResolver.Resolve(Vip(), 7, 100, "default", new UnicastNodes("n1", DualStackNodes)).Unicast);
    }

    [Fact]
    public void Unicast_peers_are_the_other_nodes_of_the_family_and_the_source_this_nodes_own()
    {
        var vip = Vip(s => s.Unicast = new());
        var unicast = VirtualIpResolver.Resolve(vip, 7, 100, "default", new UnicastNodes("n1", DualStackNodes)).Unicast!;
        Assert.Equal([IPAddress.Parse("10.77.0.2")], unicast.Peers); // n3 has no IPv4 address: skipped
        Assert.Equal(IPAddress.Parse("10.77.0.1"), unicast.SourceAddress);

        vip = Vip(s => { s.Addresses = ["2001:db8::100"]; s.VrrpVersion = 3; s.Unicast = new(); });
        unicast = VirtualIpResolver.Resolve(vip, 7, 100, "default", new UnicastNodes("n2", DualStackNodes)).Unicast!;
        Assert.Equal([IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::3")], unicast.Peers);
        Assert.Equal(IPAddress.Parse("2001:db8::2"), unicast.SourceAddress);
    }

    [Fact]
    public void Explicit_unicast_peers_win_as_listed()
    {
        var vip = Vip(s => s.Unicast = new() { Peers = ["10.77.0.9", "10.77.0.1"] });
        var unicast = VirtualIpResolver.Resolve(vip, 7, 100, "default", new UnicastNodes("n1", DualStackNodes)).Unicast!;
        // The agent leaves out its own and sends from it: node InternalIPs need not be on the VRRP network.
        Assert.Equal([IPAddress.Parse("10.77.0.9"), IPAddress.Parse("10.77.0.1")], unicast.Peers);
        Assert.Null(unicast.SourceAddress);
    }

    [Fact]
    public void Standalone_unicast_takes_the_file_as_it_is()
    {
        var vip = new VirtualIp
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new VirtualIpSpec { Addresses = ["10.77.0.250"], VirtualRouterId = 7, Unicast = new() { Peers = ["10.77.0.2", "10.77.0.3"], SourceAddress = "10.77.0.1" } },
        };
        Assert.Empty(VirtualIpValidator.Validate(vip, ValidationMode.Standalone));
        var unicast = VirtualIpResolver.Resolve(vip, 7, 100, "default").Unicast!;
        Assert.Equal([IPAddress.Parse("10.77.0.2"), IPAddress.Parse("10.77.0.3")], unicast.Peers);
        Assert.Equal(IPAddress.Parse("10.77.0.1"), unicast.SourceAddress);
    }

    [Fact]
    public void On_the_wire_unicast_addresses_are_text()
    {
        var vip = Vip(s => s.Unicast = new());
        var instance = VirtualIpResolver.Resolve(vip, 7, 100, "default", new UnicastNodes("n1", DualStackNodes));
        var json = JsonSerializer.SerializeToNode(instance, ApiJsonContext.Default.VrrpInstance)!;
        Assert.Equal("10.77.0.2", (string?)json["unicast"]!["peers"]![0]);
        Assert.Equal("10.77.0.1", (string?)json["unicast"]!["sourceAddress"]);
        var back = json.Deserialize(ApiJsonContext.Default.VrrpInstance)!.Unicast!;
        Assert.Equal(instance.Unicast!.Peers, back.Peers);
        Assert.Equal(instance.Unicast.SourceAddress, back.SourceAddress);
    }

    [Fact]
    public void Notify_lines_are_split_the_timeout_defaults_and_none_goes_on_the_wire()
    {
        var vip = new VirtualIp
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new VirtualIpSpec { Addresses = ["10.77.0.250"], VirtualRouterId = 7, Notify = new() { Master = "/usr/local/bin/up \"a b\" c", Any = "/bin/logger" } },
        };
        Assert.Empty(VirtualIpValidator.Validate(vip, ValidationMode.Standalone));
        var instance = VirtualIpResolver.Resolve(vip, 7, 100, "default");
        var notify = instance.Notify!;
        Assert.Equal(["/usr/local/bin/up", "a b", "c"], notify.Master);
        Assert.Equal(["/bin/logger"], notify.Any);
        Assert.Null(notify.Backup);
        Assert.Equal(TimeSpan.FromSeconds(5), notify.Timeout);
        // Standalone only: a NodeAgentConfig never carries scripts, so whoever writes one cannot run programs on the node.
        var json = JsonSerializer.SerializeToNode(instance, ApiJsonContext.Default.VrrpInstance)!;
        Assert.Null(json["notify"]);
    }

    [Theory]
    [InlineData("10.77.0.250", null, 51, "vrrp.51", "00-00-5E-00-01-33")]
    [InlineData("fd00::250", null, 7, "vrrp6.7", "00-00-5E-00-02-07")]
    [InlineData("10.77.0.250", "vip-mac", 255, "vip-mac", "00-00-5E-00-01-FF")]
    public void A_vmac_gets_keepaliveds_default_name_and_the_virtual_router_mac(string address, string? name, int vrid, string expectedName, string expectedMac)
    {
        var instance = VirtualIpResolver.Resolve(Vip(s =>
        {
            s.Addresses = [address];
            s.VrrpVersion = address.Contains(':', StringComparison.Ordinal) ? 3 : 2;
            s.UseVmac = new VirtualMac { InterfaceName = name };
        }), vrid, 100, "kube-system");
        Assert.Equal(expectedName, instance.Vmac!.InterfaceName);
        Assert.Equal(expectedMac, string.Join('-', VmacSettings.VirtualRouterMac(vrid, IPAddress.Parse(address).AddressFamily).GetAddressBytes().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));
        var json = JsonSerializer.SerializeToNode(instance, ApiJsonContext.Default.VrrpInstance)!;
        Assert.Equal(expectedName, (string?)json["vmac"]!["interfaceName"]);
        Assert.Equal(instance.Vmac, JsonSerializer.Deserialize(json, ApiJsonContext.Default.VrrpInstance)!.Vmac);
    }

    [Fact]
    public void No_vmac_unless_asked()
    {
        Assert.Null(VirtualIpResolver.Resolve(Vip(), 7, 100, "kube-system").Vmac);
    }

    [Fact]
    public void Connection_sync_resolves_with_sync_id_0_by_default()
    {
        Assert.Null(VirtualIpResolver.Resolve(Vip(), 7, 100, "kube-system").ConnectionSync);
        Assert.Equal(new ConnectionSyncSettings("eth1", 0, null),
            VirtualIpResolver.Resolve(Vip(s => s.ConnectionSync = new() { Interface = "eth1" }), 7, 100, "kube-system").ConnectionSync);
        Assert.Equal(new ConnectionSyncSettings("eth2", 42, 1400),
            VirtualIpResolver.Resolve(Vip(s => s.ConnectionSync = new() { Interface = "eth2", SyncId = 42, MaxPacketLength = 1400 }), 7, 100, "kube-system").ConnectionSync);
    }
}

