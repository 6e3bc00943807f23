using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Pools;
using KeepOperator.Operator.LoadBalancer;
using Xunit;
using static KeepOperator.Operator.Tests.LoadBalancer.AddressAllocatorTests;

namespace KeepOperator.Operator.Tests.LoadBalancer;

public sealed class LoadBalancerPlannerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T00:00:00Z");

    internal static LoadBalancerService Service(string name, int minute = 0, string? cls = LoadBalancerNames.Class, string type = "LoadBalancer", Dictionary<string, string>? annotations = null, string[]? ingress = null, string[]? families = null, string? policy = null, int port = 80) => new(
        "default", name, $"uid-{name}", new Dictionary<string, string>(), annotations ?? [], type, cls, families ?? ["IPv4"], policy, null,
        [new ServicePortKey("TCP", port)], T0.AddMinutes(minute), [.. (ingress ?? []).Select(i => new ServiceIngress(IPAddress.Parse(i), "VIP"))]);

    internal static LoadBalancerPlan Build(LoadBalancerService[] services, VirtualIpPool[] pools, VirtualIp[]? vips = null, bool defaultClass = false, ServiceEndpoint[]? endpoints = null) =>
        LoadBalancerPlanner.Build(services, pools, vips ?? [], new Dictionary<string, IReadOnlyDictionary<string, string>>(), endpoints ?? [], defaultClass);

    /// <summary>What the cluster holds once the plan's VirtualIps were created, with a master where asked.</summary>
    internal static VirtualIp[] Created(LoadBalancerPlan plan, params string[] withMaster) =>
        [.. plan.VirtualIps.Values.Select(v => new VirtualIp
        {
            Metadata = v.Metadata,
            Spec = v.Spec,
            Status = withMaster.Contains(v.Metadata.Name) ? new VirtualIpStatus { Master = "n1" } : null,
        })];

    [Fact]
    public void A_Service_of_our_class_gets_a_VirtualIp_from_the_pools_template_and_ingress_only_once_a_node_is_master()
    {
        var pool = Pool("lan", "192.0.2.10-192.0.2.20");
        pool.Spec.VirtualIp = new VirtualIpTemplate { AdvertInterval = "50ms", NodeSelector = new() { ["lb"] = "yes" } };

        var first = Build([Service("web")], [pool]);
        var vip = Assert.Single(first.VirtualIps.Values);
        var waiting = Build([Service("web")], [pool], Created(first));
        var served = Build([Service("web")], [pool], Created(first, "lb-192-0-2-10"));

        Assert.Equal("lb-192-0-2-10", vip.Metadata.Name);
        Assert.Equal(["192.0.2.10"], vip.Spec.Addresses);
        Assert.Equal(3, vip.Spec.VrrpVersion);
        Assert.Equal("50ms", vip.Spec.AdvertInterval);
        Assert.Equal("yes", vip.Spec.NodeSelector!["lb"]);
        Assert.Equal("lan", vip.Metadata.Labels![LoadBalancerNames.PoolLabel]);
        Assert.Equal("default/web", vip.Metadata.Annotations![LoadBalancerNames.ServicesAnnotation]);
        Assert.Empty(first.Services["default/web"].Ingress);
        Assert.Empty(waiting.Services["default/web"].Ingress);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], served.Services["default/web"].Ingress);
        Assert.Equal("VIP", served.Services["default/web"].IpMode);
        Assert.Equal(1, served.Pools["lan"].AssignedIPv4);
        Assert.Equal(10, served.Pools["lan"].AvailableIPv4);
    }

    [Fact]
    public void Services_of_another_class_or_type_are_left_alone_and_classless_ones_only_as_the_default()
    {
        var services = new[] { Service("other", cls: "example.com/lb"), Service("plain", cls: null), Service("cluster-ip", type: "ClusterIP") };

        Assert.Empty(Build(services, [Pool("lan", "192.0.2.0/28")]).Services);
        Assert.Equal(["default/plain"], Build(services, [Pool("lan", "192.0.2.0/28")], defaultClass: true).Services.Keys);
    }

    [Fact]
    public void A_rebuilt_plan_keeps_every_address_whatever_order_the_Services_come_in()
    {
        var pool = Pool("lan", "192.0.2.0/28");
        var services = Enumerable.Range(0, 5).Select(i => Service($"s{i}", minute: i)).ToArray();
        var first = Build(services, [pool]);
        var existing = Created(first);

        // A restart that sees the Services listed backwards and, as if recreated, in the opposite age order.
        var again = Build([.. services.Reverse().Select((s, i) => s with { Created = T0.AddMinutes(i) })], [pool], existing);
        var fresh = Build([.. services.Reverse().Select((s, i) => s with { Created = T0.AddMinutes(i) })], [pool]);

        Assert.All(first.Services, s => Assert.Equal(s.Value.Outcome.Addresses, again.Services[s.Key].Outcome.Addresses));
        Assert.Empty(again.VirtualIpsToDelete);
        Assert.NotEqual(first.Services["default/s0"].Outcome.Addresses, fresh.Services["default/s0"].Outcome.Addresses); // without them, the order would decide
    }

    [Fact]
    public void A_deleted_Services_address_is_not_reused_while_its_VirtualIp_still_exists()
    {
        var pool = Pool("lan", "192.0.2.0/31");
        var first = Build([Service("old")], [pool]);
        var existing = Created(first, "lb-192-0-2-0");

        var draining = Build([Service("new", minute: 1)], [pool], existing);
        var gone = Build([Service("new", minute: 1)], [pool], []);

        var asking = Build([Service("asks", minute: 1, annotations: new() { [LoadBalancerNames.AddressesAnnotation] = "192.0.2.0" })], [pool], existing);

        Assert.Equal(["lb-192-0-2-0"], draining.VirtualIpsToDelete);
        Assert.Equal([IPAddress.Parse("192.0.2.1")], draining.Services["default/new"].Outcome.Addresses);
        Assert.Equal(AllocationReasons.RequestedAddressInUse, asking.Services["default/asks"].Outcome.FailureReason);
        Assert.Equal(["lb-192-0-2-0"], asking.VirtualIpsToDelete);
        Assert.Equal([IPAddress.Parse("192.0.2.0")], gone.Services["default/new"].Outcome.Addresses);
    }

    [Fact]
    public void A_Service_switching_class_loses_its_VirtualIp_and_the_ingress_we_wrote()
    {
        var pool = Pool("lan", "192.0.2.0/28");
        var first = Build([Service("web")], [pool]);

        var switched = Build([Service("web", cls: "example.com/lb", ingress: ["192.0.2.0"])], [pool], Created(first, "lb-192-0-2-0"));

        Assert.Empty(switched.Services);
        Assert.Equal(["lb-192-0-2-0"], switched.VirtualIpsToDelete);
        Assert.Equal(["default/web"], switched.IngressToClear);
    }

    [Fact]
    public void Hand_made_VirtualIps_keep_their_addresses_and_a_request_for_one_says_who_holds_it()
    {
        var pool = Pool("lan", "192.0.2.0/30");
        var handMade = new VirtualIp { Metadata = new ObjectMeta { Name = "router" }, Spec = new VirtualIpSpec { Addresses = ["192.0.2.0/24"] } };

        var plan = Build(
            [Service("auto"), Service("asks", minute: 1, annotations: new() { [LoadBalancerNames.AddressesAnnotation] = "192.0.2.0" }), Service("bad", minute: 2, annotations: new() { [LoadBalancerNames.AddressesAnnotation] = "192.0.2" })],
            [pool], [handMade]);

        Assert.Equal([IPAddress.Parse("192.0.2.1")], plan.Services["default/auto"].Outcome.Addresses);
        Assert.Equal(AllocationReasons.RequestedAddressInUse, plan.Services["default/asks"].Outcome.FailureReason);
        Assert.Contains("VirtualIp router", plan.Services["default/asks"].Outcome.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(AllocationReasons.InvalidAddress, plan.Services["default/bad"].Outcome.FailureReason);
        Assert.Equal(["lb-192-0-2-1"], plan.VirtualIps.Keys);
    }

    [Fact]
    public void An_overlapping_or_invalid_pool_serves_nobody_and_says_why_in_its_status()
    {
        var old = Pool("old", "192.0.2.0/28");
        old.Metadata.CreationTimestamp = T0;
        var late = Pool("late", "192.0.2.8/29");
        late.Metadata.CreationTimestamp = T0.AddDays(1);
        var broken = Pool("broken", "not-an-address");

        var plan = Build([Service("web", annotations: new() { [LoadBalancerNames.PoolAnnotation] = "late" })], [old, late, broken]);

        Assert.Equal("True", plan.Pools["old"].Conditions!.Single().Status);
        Assert.Equal("False", plan.Pools["late"].Conditions!.Single().Status);
        Assert.Contains("overlaps", plan.Pools["late"].Conditions!.Single().Message, StringComparison.Ordinal);
        Assert.Contains("spec.addresses[0]", plan.Pools["broken"].Conditions!.Single().Message, StringComparison.Ordinal);
        Assert.Null(plan.Pools["late"].AvailableIPv4);
        Assert.Equal(AllocationReasons.UnknownPool, plan.Services["default/web"].Outcome.FailureReason);
    }

    [Fact]
    public void A_Proxy_pool_gives_each_Service_port_a_VirtualServer_over_its_endpoints_with_ClientIP_affinity_as_persistence()
    {
        var pool = Pool("proxy", "192.0.2.0/30");
        pool.Spec.IpMode = "Proxy";
        var web = Service("web") with { Ports = [new ServicePortKey("TCP", 80), new ServicePortKey("UDP", 53)], AffinityTimeout = TimeSpan.FromMinutes(5) };

        var plan = Build([web, Service("other", minute: 1)], [pool]);
        var vipOnly = Build([web], [Pool("lan", "192.0.2.0/30")]);

        Assert.Equal("Proxy", plan.Services["default/web"].IpMode);
        Assert.Equal(["default/lb-192-0-2-0-53-udp", "default/lb-192-0-2-0-80-tcp", "default/lb-192-0-2-1-80-tcp"], plan.VirtualServers.Keys.Order());
        var tcp = plan.VirtualServers["default/lb-192-0-2-0-80-tcp"].Spec;
        Assert.Equal(("lb-192-0-2-0", 80, "TCP", "NAT", "rr", "5m0s"), (tcp.VirtualIpRef, tcp.Port, tcp.Protocol, tcp.Forwarding, tcp.Scheduler, tcp.PersistenceTimeout));
        Assert.Equal(("web", "80"), (tcp.ServiceRef!.Name, tcp.ServiceRef.Port));
        Assert.Null(tcp.HealthCheck); // the endpoints' readiness decides
        Assert.Empty(vipOnly.VirtualServers);
    }

    [Fact]
    public void A_dual_stack_Service_gets_one_VirtualIp_per_family_and_shared_addresses_one_VirtualIp_naming_both()
    {
        var pool = Pool("dual", "192.0.2.0/30", "2001:db8::/126");
        var sharing = new Dictionary<string, string> { [LoadBalancerNames.SharingAnnotation] = "k" };

        var plan = Build(
            [Service("dual", families: ["IPv6", "IPv4"], policy: "RequireDualStack"), Service("a", minute: 1, annotations: sharing, port: 80), Service("b", minute: 2, annotations: sharing, port: 443)],
            [pool]);

        Assert.Equal([IPAddress.Parse("2001:db8::"), IPAddress.Parse("192.0.2.0")], plan.Services["default/dual"].Outcome.Addresses);
        Assert.Contains("lb-2001-0db8-0000-0000-0000-0000-0000-0000", plan.VirtualIps.Keys);
        Assert.Equal(plan.Services["default/a"].Outcome.Addresses, plan.Services["default/b"].Outcome.Addresses);
        Assert.Equal("default/a,default/b", plan.VirtualIps["lb-192-0-2-1"].Metadata.Annotations![LoadBalancerNames.ServicesAnnotation]);
        Assert.Equal(3, plan.VirtualIps.Count);
    }
}
