using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using k8s.Models;
using KeepOperator.Operator.Kube;
using KeepOperator.Operator.LoadBalancer;
using Xunit;
using static KeepOperator.Operator.Tests.LoadBalancer.AddressAllocatorTests;
using static KeepOperator.Operator.Tests.LoadBalancer.LoadBalancerPlannerTests;

namespace KeepOperator.Operator.Tests.LoadBalancer;

/// <summary>externalTrafficPolicy Local: only nodes with a ready endpoint may hold the Service's address.</summary>
public sealed class LocalTrafficPolicyTests
{
    private static readonly string[] Nodes = ["n1", "n2", "n3", "n4"];

    private static LoadBalancerService Local(string name, int minute = 0, Dictionary<string, string>? annotations = null, int port = 80, string app = "web") =>
        Service(name, minute, annotations: annotations, port: port) with { ExternalTrafficPolicy = LocalTrafficPolicy.Local, Selector = new Dictionary<string, string> { ["app"] = app } };

    private static ServiceEndpoint Endpoint(string service, string? node, bool ready = true) => new("default/" + service, node, ready);

    private static ILookup<string, ServiceEndpoint> ByService(params ServiceEndpoint[] endpoints) => endpoints.ToLookup(e => e.Service, StringComparer.Ordinal);

    [Fact]
    public void Cluster_puts_no_restriction_and_Local_lets_in_only_nodes_with_a_ready_endpoint()
    {
        var endpoints = ByService(Endpoint("web", "n3"), Endpoint("web", "n1"), Endpoint("web", "n2", ready: false), Endpoint("web", null), Endpoint("other", "n4"));

        Assert.Null(LocalTrafficPolicy.EligibleNodes([Service("web")], endpoints));
        Assert.Equal(["n1", "n3"], LocalTrafficPolicy.EligibleNodes([Local("web")], endpoints));
        Assert.Equal([], LocalTrafficPolicy.EligibleNodes([Local("idle")], endpoints));
    }

    [Fact]
    public void Local_Services_sharing_an_address_need_a_node_with_a_ready_endpoint_of_each()
    {
        var endpoints = ByService(Endpoint("tcp", "n1"), Endpoint("tcp", "n2"), Endpoint("udp", "n2"), Endpoint("udp", "n3"));

        Assert.Equal(["n2"], LocalTrafficPolicy.EligibleNodes([Local("tcp"), Local("udp")], endpoints));
    }

    [Property(MaxTest = 300)]
    public Property A_node_is_eligible_exactly_when_every_Local_Service_has_a_ready_endpoint_on_it()
    {
        var endpoint =
            from service in Gen.Elements("a", "b")
            from node in Gen.Elements<string?>([.. Nodes, null])
            from ready in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
            select Endpoint(service, node, ready);
        var input =
            from endpoints in Gen.ListOf(endpoint)
            from bLocal in Gen.Elements(true, false)
            select (endpoints: endpoints.ToArray(), bLocal);
        return Prop.ForAll(input.ToArbitrary(), x =>
        {
            var services = new[] { Local("a"), x.bLocal ? Local("b") : Service("b") };
            var eligible = LocalTrafficPolicy.EligibleNodes(services, ByService(x.endpoints))!;
            bool Serves(string service, string node) => x.endpoints.Any(e => e.Service == "default/" + service && e.NodeName == node && e.Ready);
            var expected = Nodes.Where(n => Serves("a", n) && (!x.bLocal || Serves("b", n)));
            return eligible.SequenceEqual(expected);
        });
    }

    [Fact]
    public void A_slices_endpoints_count_as_ready_unless_ready_is_false_and_a_slice_without_a_Service_lists_none()
    {
        V1EndpointSlice Slice(string? service) => new()
        {
            Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = "shop", Labels = service is null ? null : new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
            Endpoints =
            [
                new V1Endpoint { Addresses = ["10.0.0.1"], NodeName = "n1" },
                new V1Endpoint { Addresses = ["10.0.0.2"], NodeName = "n2", Conditions = new V1EndpointConditions { Ready = false } },
                new V1Endpoint { Addresses = ["10.0.0.3"], NodeName = "n3", Conditions = new V1EndpointConditions { Ready = true } },
            ],
        };

        Assert.Equal(
            [new ServiceEndpoint("shop/web", "n1", true), new ServiceEndpoint("shop/web", "n2", false), new ServiceEndpoint("shop/web", "n3", true)],
            LoadBalancerInformers.ToEndpoints(Slice("web")));
        Assert.Empty(LoadBalancerInformers.ToEndpoints(Slice(null)));
    }

    [Fact]
    public void The_VirtualIp_follows_the_ready_endpoints_and_with_none_keeps_its_address_held_by_no_node()
    {
        var pool = Pool("lan", "192.0.2.10-192.0.2.20");
        var on2 = Build([Local("web")], [pool], endpoints: [Endpoint("web", "n2"), Endpoint("web", "n1", ready: false)]);
        var vip = Assert.Single(on2.VirtualIps.Values);
        Assert.Equal(["n2"], vip.Spec.NodeNames);
        Assert.Empty(on2.Services["default/web"].WithoutLocalEndpoint);

        var none = Build([Local("web")], [pool], Created(on2, vip.Metadata.Name!), endpoints: [Endpoint("web", "n2", ready: false)]);
        Assert.Equal([], none.VirtualIps[vip.Metadata.Name!].Spec.NodeNames);
        Assert.Equal(vip.Spec.Addresses, none.VirtualIps[vip.Metadata.Name!].Spec.Addresses);
        Assert.Empty(none.VirtualIpsToDelete);
        Assert.True(none.Services["default/web"].Outcome.Succeeded);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], none.Services["default/web"].WithoutLocalEndpoint);

        var moved = Build([Local("web")], [pool], Created(none), endpoints: [Endpoint("web", "n2", ready: false), Endpoint("web", "n1")]);
        Assert.Equal(["n1"], moved.VirtualIps[vip.Metadata.Name!].Spec.NodeNames);
        Assert.Equal(on2.Services["default/web"].Outcome.Addresses, moved.Services["default/web"].Outcome.Addresses);

        Assert.Null(Build([Service("web")], [pool], endpoints: [Endpoint("web", "n2")]).VirtualIps[vip.Metadata.Name!].Spec.NodeNames);
    }

    [Fact]
    public void A_shared_address_takes_Local_Services_only_with_Local_ones_of_the_same_selector_as_MetalLB_does()
    {
        var pool = Pool("lan", "192.0.2.10-192.0.2.20");
        var key = new Dictionary<string, string> { [LoadBalancerNames.SharingAnnotation] = "dns" };
        var endpoints = new[] { Endpoint("tcp", "n1"), Endpoint("tcp", "n2"), Endpoint("udp", "n2") };

        var same = Build([Local("tcp", 0, key, 53, "dns"), Local("udp", 1, key, 54, "dns")], [pool], endpoints: endpoints);
        Assert.Equal(same.Services["default/tcp"].Outcome.Addresses, same.Services["default/udp"].Outcome.Addresses);
        Assert.Equal(["n2"], Assert.Single(same.VirtualIps.Values).Spec.NodeNames);

        var requested = new Dictionary<string, string>(key) { [LoadBalancerNames.AddressesAnnotation] = "192.0.2.10" };
        var mixed = Build([Local("tcp", 0, requested, 53, "dns"), Service("udp", 1, annotations: requested, port: 54)], [pool], endpoints: endpoints);
        var refused = mixed.Services["default/udp"].Outcome;
        Assert.Equal(AllocationReasons.TrafficPolicyClash, refused.FailureReason);
        Assert.Equal("192.0.2.10 is used by default/tcp; as in MetalLB, Services sharing an address with externalTrafficPolicy Local must all be Local with the same selector (one node must have all their endpoints)", refused.FailureMessage);

        var otherPods = Build([Local("tcp", 0, requested, 53, "dns"), Local("udp", 1, requested, 54, "resolver")], [pool], endpoints: endpoints);
        Assert.Equal(AllocationReasons.TrafficPolicyClash, otherPods.Services["default/udp"].Outcome.FailureReason);

        var unrequested = Build([Local("tcp", 0, key, 53, "dns"), Service("udp", 1, annotations: key, port: 54)], [pool], endpoints: endpoints);
        Assert.NotEqual(unrequested.Services["default/tcp"].Outcome.Addresses, unrequested.Services["default/udp"].Outcome.Addresses); // not shared: each its own
    }
}
