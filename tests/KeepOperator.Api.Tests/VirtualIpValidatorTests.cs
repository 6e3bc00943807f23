using Xunit;

namespace KeepOperator.Api.Tests;

public class VirtualIpValidatorTests
{
    private static IReadOnlyList<FieldError> Errors(Action<VirtualIp> change, ValidationMode mode = ValidationMode.Standalone)
    {
        var vip = Samples.Web();
        change(vip);
        return VirtualIpValidator.Validate(vip, mode);
    }

    private static void AssertError(IReadOnlyList<FieldError> errors, string path, string messagePart)
    {
        Assert.True(
            errors.Any(e => e.Path == path && e.Message.Contains(messagePart, StringComparison.Ordinal)),
            $"expected an error at {path} containing \"{messagePart}\"; got:\n" + string.Join("\n", errors));
    }

    [Fact]
    public void The_sample_is_valid_in_both_modes()
    {
        Assert.Empty(VirtualIpValidator.Validate(Samples.Web(), ValidationMode.Standalone));
        Assert.Empty(VirtualIpValidator.Validate(Samples.Web(), ValidationMode.Cluster));
    }

    [Fact]
    public void Tracked_interfaces_need_a_unique_interface_name_and_a_weight_in_range()
    {
        Assert.Empty(Errors(v => v.Spec.TrackInterfaces = [new TrackInterface { Name = "eth1", Weight = -254 }, new TrackInterface { Name = "bond0.10" }]));
        var errors = Errors(v => v.Spec.TrackInterfaces =
        [
            new TrackInterface { Name = "eth1" },
            new TrackInterface { Name = "eth1", Weight = 10 },
            new TrackInterface { Weight = 255 },
            new TrackInterface { Name = "a/b" },
            null!,
        ]);
        AssertError(errors, "spec.trackInterfaces[1].name", "duplicate interface \"eth1\" (also spec.trackInterfaces[0])");
        AssertError(errors, "spec.trackInterfaces[2].name", "required");
        AssertError(errors, "spec.trackInterfaces[2].weight", "between -254 and 254, got 255");
        AssertError(errors, "spec.trackInterfaces[3].name", "Linux interface name");
        AssertError(errors, "spec.trackInterfaces[4]", "must not be null");
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Node_names_are_node_names_each_listed_once_and_an_empty_list_is_valid()
    {
        Assert.Empty(Errors(v => v.Spec.NodeNames = [], ValidationMode.Cluster));
        Assert.Empty(Errors(v => v.Spec.NodeNames = ["n1", "worker-2.example.com"], ValidationMode.Cluster));
        var errors = Errors(v => v.Spec.NodeNames = ["n1", "N2", "n1", ""], ValidationMode.Cluster);
        AssertError(errors, "spec.nodeNames[1]", "must be a node name (a DNS subdomain), got \"N2\"");
        AssertError(errors, "spec.nodeNames[2]", "duplicate node \"n1\" (also spec.nodeNames[0])");
        AssertError(errors, "spec.nodeNames[3]", "must be a node name");
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void A_sync_group_is_a_dns_label_and_its_members_track_with_weight_0_only()
    {
        Assert.Empty(Errors(v => (v.Spec.SyncGroup, v.Spec.TrackInterfaces) = ("router", [new TrackInterface { Name = "eth1", Weight = 0 }])));
        AssertError(Errors(v => v.Spec.SyncGroup = "Router_1"), "spec.syncGroup", "DNS label");
        var errors = Errors(v =>
        {
            v.Spec.SyncGroup = "router";
            v.Spec.TrackInterfaces = [new TrackInterface { Name = "eth1", Weight = -20 }];
            v.Spec.Track = [new TrackCheck { Name = "web", Tcp = new TcpCheck { Port = 80 }, Weight = 5 }];
        });
        AssertError(errors, "spec.trackInterfaces[0].weight", "must be 0 in a syncGroup");
        AssertError(errors, "spec.track[0].weight", "must be 0 in a syncGroup");
        Assert.Empty(Errors(v => v.Spec.TrackInterfaces = [new TrackInterface { Name = "eth1", Weight = -20 }])); // fine outside a group
    }

    [Fact]
    public void Minimal_spec_with_defaults_is_valid()
    {
        var vip = new VirtualIp { Metadata = new() { Name = "a" }, Spec = new() { Addresses = ["10.0.0.1"], VirtualRouterId = 1 } };
        Assert.Empty(VirtualIpValidator.Validate(vip, ValidationMode.Standalone));
    }

    [Fact]
    public void Metadata_name_is_required_and_a_dns_subdomain()
    {
        AssertError(Errors(v => v.Metadata.Name = null), "metadata.name", "required");
        AssertError(Errors(v => v.Metadata.Name = "Web_1"), "metadata.name", "DNS subdomain");
        AssertError(Errors(v => v.Metadata.Namespace = "a.b"), "metadata.namespace", "DNS label");
    }

    [Fact]
    public void Addresses_must_not_be_empty()
    {
        AssertError(Errors(v => v.Spec.Addresses = []), "spec.addresses", "at least one");
    }

    [Theory]
    [InlineData("web")]
    [InlineData("10.0.0")]
    [InlineData("10")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0.1/")]
    [InlineData("10.0.0.1/-1")]
    [InlineData("2001:db8::1/129")]
    [InlineData("fe80::1%eth0")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10.0.0.1\n")]
    [InlineData("")]
    public void Each_address_must_be_an_ip_or_cidr(string address)
    {
        AssertError(Errors(v => v.Spec.Addresses = [address]), "spec.addresses[0]", "must be an IP address or CIDR");
    }

    [Theory]
    [InlineData("10.0.0.1", 32)]
    [InlineData("10.0.0.1/24", 24)]
    [InlineData("10.0.0.1/0", 0)]
    [InlineData("2001:db8::1", 128)]
    [InlineData("2001:db8::1/64", 64)]
    public void Addresses_parse_with_default_prefixes(string text, int prefix)
    {
        Assert.True(VirtualIpValidator.TryParseAddress(text, out _, out var prefixLength, out var hasPrefix));
        Assert.Equal(prefix, prefixLength);
        Assert.Equal(text.Contains('/', StringComparison.Ordinal), hasPrefix);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.18")]
    [InlineData("255.255.255.255")]
    public void Addresses_must_be_unicast(string address)
    {
        AssertError(Errors(v => v.Spec.Addresses = [address]), "spec.addresses[0]", "unicast");
    }

    [Fact]
    public void Addresses_must_be_one_family_and_unique()
    {
        AssertError(Errors(v => v.Spec.Addresses = ["10.0.0.1", "2001:db8::1"]), "spec.addresses[1]", "one family");
        AssertError(Errors(v => v.Spec.Addresses = ["10.0.0.1", "10.0.0.1/24"]), "spec.addresses[1]", "duplicate");
    }

    [Fact]
    public void Ipv6_requires_version_3()
    {
        AssertError(Errors(v => { v.Spec.Addresses = ["2001:db8::1"]; v.Spec.Authentication = null; }), "spec.vrrpVersion", "IPv6");
        AssertError(Errors(v => { v.Spec.Addresses = ["2001:db8::1"]; v.Spec.Authentication = null; v.Spec.VrrpVersion = null; }), "spec.vrrpVersion", "IPv6");
        Assert.Empty(Errors(v => { v.Spec.Addresses = ["2001:db8::1"]; v.Spec.Authentication = null; v.Spec.VrrpVersion = 3; }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-1)]
    public void Vrid_is_1_to_255(int vrid)
    {
        AssertError(Errors(v => v.Spec.VirtualRouterId = vrid), "spec.virtualRouterId", $"must be between 1 and 255, got {vrid}");
    }

    [Fact]
    public void Vrid_is_required_standalone_only()
    {
        AssertError(Errors(v => v.Spec.VirtualRouterId = null), "spec.virtualRouterId", "required");
        Assert.Empty(Errors(v => v.Spec.VirtualRouterId = null, ValidationMode.Cluster));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Version_is_2_or_3(int version)
    {
        AssertError(Errors(v => v.Spec.VrrpVersion = version), "spec.vrrpVersion", $"must be 2 or 3, got {version}");
    }

    [Theory]
    [InlineData("50ms")]
    [InlineData("1.5s")]
    [InlineData("0s")]
    [InlineData("256s")]
    public void V2_advert_interval_is_whole_seconds_1_to_255(string interval)
    {
        AssertError(Errors(v => v.Spec.AdvertInterval = interval), "spec.advertInterval", "whole seconds between 1s and 255s");
    }

    [Theory]
    [InlineData("1s")]
    [InlineData("255s")]
    [InlineData("4m15s")]
    public void V2_advert_interval_accepts_whole_seconds(string interval)
    {
        Assert.Empty(Errors(v => v.Spec.AdvertInterval = interval));
    }

    [Theory]
    [InlineData("5ms")]
    [InlineData("15ms")]
    [InlineData("41s")]
    [InlineData("0s")]
    public void V3_advert_interval_is_10ms_steps_up_to_40_95s(string interval)
    {
        AssertError(
            Errors(v => { v.Spec.VrrpVersion = 3; v.Spec.Authentication = null; v.Spec.AdvertInterval = interval; }),
            "spec.advertInterval",
            "multiple of 10ms between 10ms and 40.95s");
    }

    [Theory]
    [InlineData("10ms")]
    [InlineData("40.95s")]
    [InlineData("1.23s")]
    public void V3_advert_interval_accepts_centiseconds(string interval)
    {
        Assert.Empty(Errors(v => { v.Spec.VrrpVersion = 3; v.Spec.Authentication = null; v.Spec.AdvertInterval = interval; }));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("fast")]
    public void Durations_must_parse(string text)
    {
        AssertError(Errors(v => v.Spec.AdvertInterval = text), "spec.advertInterval", "must be a duration");
        AssertError(Errors(v => v.Spec.PreemptDelay = text), "spec.preemptDelay", "must be a duration");
        AssertError(Errors(v => v.Spec.GratuitousArp = new() { Delay = text }), "spec.gratuitousArp.delay", "must be a duration");
        AssertError(Errors(v => v.Spec.GratuitousArp = new() { RefreshInterval = text }), "spec.gratuitousArp.refreshInterval", "must be a duration");
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() { Port = 80 }, Interval = text }]), "spec.track[0].interval", "must be a duration");
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() { Port = 80 }, Timeout = text }]), "spec.track[0].timeout", "must be a duration");
    }

    [Fact]
    public void Durations_must_not_be_negative_and_preempt_delay_is_at_most_1000s()
    {
        AssertError(Errors(v => v.Spec.PreemptDelay = "-1s"), "spec.preemptDelay", "negative");
        AssertError(Errors(v => v.Spec.PreemptDelay = "1001s"), "spec.preemptDelay", "at most 1000s");
        Assert.Empty(Errors(v => v.Spec.PreemptDelay = "1000s"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(300)]
    public void Priorities_are_1_to_254(int priority)
    {
        AssertError(Errors(v => v.Spec.Priorities![1].Priority = priority), "spec.priorities[1].priority", $"must be between 1 and 254, got {priority}");
    }

    [Fact]
    public void Priority_entries_need_node_name_and_priority_and_unique_names()
    {
        AssertError(Errors(v => v.Spec.Priorities![0].Priority = null), "spec.priorities[0].priority", "required");
        AssertError(Errors(v => v.Spec.Priorities![0].NodeName = null), "spec.priorities[0].nodeName", "required");
        AssertError(Errors(v => v.Spec.Priorities![1].NodeName = "N1"), "spec.priorities[1].nodeName", "duplicate node \"N1\" (also spec.priorities[0])");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    public void Default_priority_is_1_to_254(int priority)
    {
        AssertError(Errors(v => v.Spec.DefaultPriority = priority), "spec.defaultPriority", $"must be between 1 and 254, got {priority}");
    }

    [Fact]
    public void Authentication_only_with_v2()
    {
        AssertError(Errors(v => v.Spec.VrrpVersion = 3), "spec.authentication", "not allowed with VRRP version 3");
    }

    [Fact]
    public void Authentication_type_must_be_pass()
    {
        AssertError(Errors(v => v.Spec.Authentication!.Type = "AH"), "spec.authentication.type", "must be \"PASS\", got \"AH\"");
    }

    [Theory]
    [InlineData("")]
    [InlineData("123456789")]
    [InlineData("pässwört")]
    public void Password_is_1_to_8_bytes(string password)
    {
        AssertError(Errors(v => v.Spec.Authentication!.Password = password), "spec.authentication.password", "must be 1 to 8 bytes");
    }

    [Fact]
    public void Password_of_8_bytes_is_fine()
    {
        Assert.Empty(Errors(v => v.Spec.Authentication!.Password = "12345678"));
    }

    [Fact]
    public void Password_xor_secret_ref()
    {
        AssertError(Errors(v => v.Spec.Authentication!.Password = null), "spec.authentication", "needs password or passwordSecretRef");
        AssertError(
            Errors(v => v.Spec.Authentication!.PasswordSecretRef = new() { Name = "s", Key = "k" }, ValidationMode.Cluster),
            "spec.authentication",
            "mutually exclusive");
    }

    [Fact]
    public void Secret_ref_is_cluster_only_and_needs_name_and_key()
    {
        void UseRef(VirtualIp v) => v.Spec.Authentication = new() { PasswordSecretRef = new() { Name = "vrrp", Key = "password" } };
        Assert.Empty(Errors(UseRef, ValidationMode.Cluster));
        AssertError(Errors(UseRef), "spec.authentication.passwordSecretRef", "needs a cluster");
        var errors = Errors(v => v.Spec.Authentication = new() { PasswordSecretRef = new() }, ValidationMode.Cluster);
        AssertError(errors, "spec.authentication.passwordSecretRef.name", "required");
        AssertError(errors, "spec.authentication.passwordSecretRef.key", "required");
    }

    [Fact]
    public void Track_entries_need_exactly_one_kind()
    {
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t" }]), "spec.track[0]", "exactly one of tcp, http, pods, got 0");
        AssertError(
            Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() { Port = 1 }, Http = new() { Url = "http://x/" } }]),
            "spec.track[0]",
            "exactly one of tcp, http, pods, got 2");
    }

    [Fact]
    public void Track_names_are_required_and_unique()
    {
        AssertError(Errors(v => v.Spec.Track = [new() { Tcp = new() { Port = 1 } }]), "spec.track[0].name", "required");
        AssertError(
            Errors(v => v.Spec.Track = [new() { Name = "a", Tcp = new() { Port = 1 } }, new() { Name = "a", Tcp = new() { Port = 2 } }]),
            "spec.track[1].name",
            "duplicate check \"a\"");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Tcp_port_is_1_to_65535(int port)
    {
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() { Port = port } }]), "spec.track[0].tcp.port", $"must be between 1 and 65535, got {port}");
    }

    [Fact]
    public void Tcp_port_is_required_and_host_sane()
    {
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() }]), "spec.track[0].tcp.port", "required");
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() { Host = "a b", Port = 1 } }]), "spec.track[0].tcp.host", "IP address or host name");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("ftp://x/")]
    [InlineData("localhost:8080")]
    [InlineData(null)]
    public void Http_url_is_absolute_http_or_https(string? url)
    {
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Http = new() { Url = url } }]), "spec.track[0].http.url", "absolute http:// or https:// URL");
    }

    [Fact]
    public void Http_expected_status_must_parse()
    {
        AssertError(
            Errors(v => v.Spec.Track = [new() { Name = "t", Http = new() { Url = "https://127.0.0.1/", ExpectedStatus = "2xx" } }]),
            "spec.track[0].http.expectedStatus",
            "\"2xx\"");
        Assert.Empty(Errors(v => v.Spec.Track = [new() { Name = "t", Http = new() { Url = "https://127.0.0.1/", ExpectedStatus = "200-299,301" } }]));
    }

    [Fact]
    public void Pods_check_needs_match_labels_or_expressions()
    {
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Pods = new() { Selector = new() } }]), "spec.track[0].pods.selector", "matchLabels or matchExpressions");
        Assert.Empty(Errors(v => v.Spec.Track = [new() { Name = "t", Pods = new() { Namespace = "web", Selector = new() { MatchLabels = new() { ["app"] = "web" } } } }]));
        Assert.Empty(Errors(v => v.Spec.Track = [new() { Name = "t", Pods = new() { Selector = new() { MatchExpressions = [new() { Key = "app", Operator = "Exists" }] } } }]));
    }

    [Theory]
    [InlineData("In", false, "spec.track[0].pods.selector.matchExpressions[0].values", "at least one value for In")]
    [InlineData("NotIn", false, "spec.track[0].pods.selector.matchExpressions[0].values", "at least one value for NotIn")]
    [InlineData("Exists", true, "spec.track[0].pods.selector.matchExpressions[0].values", "must be empty for Exists")]
    [InlineData("DoesNotExist", true, "spec.track[0].pods.selector.matchExpressions[0].values", "must be empty for DoesNotExist")]
    [InlineData("Equals", true, "spec.track[0].pods.selector.matchExpressions[0].operator", "got \"Equals\"")]
    public void Match_expressions_follow_the_operators_rules(string op, bool withValues, string path, string message) =>
        AssertError(
            Errors(v => v.Spec.Track = [new() { Name = "t", Pods = new() { Selector = new() { MatchExpressions = [new() { Key = "app", Operator = op, Values = withValues ? ["web"] : null }] } } }]),
            path,
            message);

    [Theory]
    [InlineData(-255)]
    [InlineData(255)]
    public void Weight_is_minus_254_to_254(int weight)
    {
        AssertError(Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() { Port = 1 }, Weight = weight }]), "spec.track[0].weight", $"must be between -254 and 254, got {weight}");
    }

    [Fact]
    public void Rise_and_fall_are_at_least_1_and_interval_positive()
    {
        var errors = Errors(v => v.Spec.Track = [new() { Name = "t", Tcp = new() { Port = 1 }, Rise = 0, Fall = -1, Interval = "0s", Timeout = "0s" }]);
        AssertError(errors, "spec.track[0].rise", "at least 1, got 0");
        AssertError(errors, "spec.track[0].fall", "at least 1, got -1");
        AssertError(errors, "spec.track[0].interval", "positive");
        AssertError(errors, "spec.track[0].timeout", "positive");
    }

    [Fact]
    public void Gratuitous_arp_repeat_is_0_to_255()
    {
        AssertError(Errors(v => v.Spec.GratuitousArp = new() { Repeat = 256 }), "spec.gratuitousArp.repeat", "between 0 and 255");
        Assert.Empty(Errors(v => v.Spec.GratuitousArp = new() { Repeat = 0, Delay = "0s", RefreshInterval = "1m" }));
    }

    [Fact]
    public void Interface_name_must_be_plausible()
    {
        AssertError(Errors(v => v.Spec.Interface = "a-very-long-interface-name"), "spec.interface", "Linux interface name");
        AssertError(Errors(v => v.Spec.Interface = ""), "spec.interface", "Linux interface name");
    }

    [Fact]
    public void Wrong_api_version_or_kind_is_reported()
    {
        AssertError(Errors(v => v.ApiVersion = "v1"), "apiVersion", "keepoperator.io/v1alpha1");
        AssertError(Errors(v => v.Kind = "VirtualIP"), "kind", "VirtualIp");
    }

    [Fact]
    public void A_vmac_name_must_be_an_interface_name_other_than_the_base()
    {
        Assert.Empty(Errors(v => v.Spec.UseVmac = new()));
        Assert.Empty(Errors(v => v.Spec.UseVmac = new() { InterfaceName = "vrrp.51" }, ValidationMode.Cluster));
        AssertError(Errors(v => v.Spec.UseVmac = new() { InterfaceName = "vmac:1" }), "spec.useVmac.interfaceName", "Linux interface name");
        AssertError(Errors(v => v.Spec.UseVmac = new() { InterfaceName = "a-name-of-16char" }), "spec.useVmac.interfaceName", "1-15 characters");
        AssertError(Errors(v => { v.Spec.Interface = "eth0"; v.Spec.UseVmac = new() { InterfaceName = "eth0" }; }), "spec.useVmac.interfaceName", "differ from spec.interface");
    }

    [Fact]
    public void Unicast_needs_peers_standalone_but_not_in_a_cluster()
    {
        Assert.Empty(Errors(v => v.Spec.Unicast = new() { Peers = ["10.77.0.2"], SourceAddress = "10.77.0.1" }));
        Assert.Empty(Errors(v => v.Spec.Unicast = new(), ValidationMode.Cluster));
        AssertError(Errors(v => v.Spec.Unicast = new()), "spec.unicast.peers", "at least one peer");
    }

    [Theory]
    [InlineData("10.77.0.2/24", "without a prefix")]
    [InlineData("web", "without a prefix")]
    [InlineData("224.0.0.18", "must be a unicast address")]
    [InlineData("2001:db8::2", "must be IPv4 like spec.addresses")]
    [InlineData("10.77.0.250", "must not be one of spec.addresses")]
    public void Unicast_peers_are_plain_unicast_addresses_of_the_family(string peer, string message)
    {
        AssertError(Errors(v => v.Spec.Unicast = new() { Peers = ["10.77.0.3", peer] }), "spec.unicast.peers[1]", message);
    }

    [Fact]
    public void Unicast_peers_are_unique()
    {
        AssertError(Errors(v => v.Spec.Unicast = new() { Peers = ["10.77.0.3", "10.77.0.3"] }), "spec.unicast.peers[1]", "duplicate peer 10.77.0.3");
    }

    [Fact]
    public void Unicast_source_is_standalone_only_and_of_the_family()
    {
        AssertError(
            Errors(v => v.Spec.Unicast = new() { SourceAddress = "10.77.0.1" }, ValidationMode.Cluster),
            "spec.unicast.sourceAddress",
            "standalone only");
        AssertError(
            Errors(v => v.Spec.Unicast = new() { Peers = ["10.77.0.2"], SourceAddress = "2001:db8::1" }),
            "spec.unicast.sourceAddress",
            "must be IPv4");
    }

    [Fact]
    public void Notify_is_standalone_only()
    {
        AssertError(Errors(v => v.Spec.Notify = new() { Master = "/usr/local/bin/up" }, ValidationMode.Cluster), "spec.notify", "standalone only");
        Assert.Empty(Errors(v => v.Spec.Notify = new() { Master = "/usr/local/bin/up 'a b'", Any = "/bin/logger -t vrrp", Timeout = "200ms" }));
    }

    [Theory]
    [InlineData("up.sh", "spec.notify.master", "absolute path")]
    [InlineData("", "spec.notify.master", "absolute path")]
    [InlineData("/bin/echo 'oops", "spec.notify.master", "unterminated single quote")]
    public void Notify_commands_start_with_an_absolute_program_and_quotes_close(string line, string path, string message)
    {
        AssertError(Errors(v => v.Spec.Notify = new() { Master = line }), path, message);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("soon")]
    public void Notify_timeout_is_a_positive_duration(string timeout)
    {
        Assert.Contains(Errors(v => v.Spec.Notify = new() { Timeout = timeout }), e => e.Path == "spec.notify.timeout");
    }

    [Fact]
    public void Webhooks_need_exactly_one_of_url_and_urlSecretRef_which_is_cluster_only()
    {
        Assert.Empty(Errors(v => v.Spec.Webhooks = [new() { Url = "https://hooks.example/vrrp?team=net", Timeout = "60s", Attempts = 10 }]));
        AssertError(Errors(v => v.Spec.Webhooks = [new()]), "spec.webhooks[0]", "exactly one of url and urlSecretRef");
        AssertError(Errors(v => v.Spec.Webhooks = [new() { Url = "https://a/", UrlSecretRef = new() { Name = "s", Key = "k" } }], ValidationMode.Cluster), "spec.webhooks[0]", "exactly one");
        void UseRef(VirtualIp v) => v.Spec.Webhooks = [new() { UrlSecretRef = new() { Name = "hooks", Key = "url" } }];
        Assert.Empty(Errors(UseRef, ValidationMode.Cluster));
        AssertError(Errors(UseRef), "spec.webhooks[0].urlSecretRef", "needs a cluster");
        AssertError(Errors(v => v.Spec.Webhooks = [new() { UrlSecretRef = new() }], ValidationMode.Cluster), "spec.webhooks[0].urlSecretRef.key", "required");
    }

    [Theory]
    [InlineData("ftp://hooks.example/", "absolute http:// or https://")]
    [InlineData("/relative", "absolute http:// or https://")]
    [InlineData("https://user:secret@hooks.example/", "must not carry credentials")]
    [InlineData("https://token@hooks.example/", "must not carry credentials")]
    public void An_inline_webhook_url_is_absolute_http_without_credentials(string url, string message)
    {
        AssertError(Errors(v => v.Spec.Webhooks = [new() { Url = url }]), "spec.webhooks[0].url", message);
    }

    [Fact]
    public void Webhook_timeout_attempts_and_caBundle_are_checked()
    {
        var errors = Errors(v => v.Spec.Webhooks = [new() { Url = "http://10.0.0.5/", Timeout = "61s", Attempts = 11, CaBundle = "not a certificate" }]);
        AssertError(errors, "spec.webhooks[0].timeout", "at most 60s");
        AssertError(errors, "spec.webhooks[0].attempts", "between 1 and 10");
        AssertError(errors, "spec.webhooks[0].caBundle", "PEM certificate");
        AssertError(Errors(v => v.Spec.Webhooks = [new() { Url = "http://10.0.0.5/", Timeout = "0s" }]), "spec.webhooks[0].timeout", "positive");

        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        Assert.Empty(Errors(v => v.Spec.Webhooks = [new() { Url = "https://10.0.0.5/", CaBundle = ca.ExportCertificatePem() }]));
    }

    [Fact]
    public void Connection_sync_needs_an_interface_and_keepalived_ranges()
    {
        AssertError(Errors(v => v.Spec.ConnectionSync = new()), "spec.connectionSync.interface", "required");
        AssertError(Errors(v => v.Spec.ConnectionSync = new() { Interface = "a/b" }), "spec.connectionSync.interface", "Linux interface name");
        AssertError(Errors(v => v.Spec.ConnectionSync = new() { Interface = "eth1", SyncId = 256 }), "spec.connectionSync.syncId", "between 0 and 255");
        AssertError(Errors(v => v.Spec.ConnectionSync = new() { Interface = "eth1", SyncId = -1 }), "spec.connectionSync.syncId", "between 0 and 255");
        AssertError(Errors(v => v.Spec.ConnectionSync = new() { Interface = "eth1", MaxPacketLength = 0 }), "spec.connectionSync.maxPacketLength", "between 1 and 65507");
        AssertError(Errors(v => v.Spec.ConnectionSync = new() { Interface = "eth1", MaxPacketLength = 65508 }), "spec.connectionSync.maxPacketLength", "between 1 and 65507");
        Assert.Empty(Errors(v => v.Spec.ConnectionSync = new() { Interface = "eth1", SyncId = 255, MaxPacketLength = 65507 }));
    }
}
