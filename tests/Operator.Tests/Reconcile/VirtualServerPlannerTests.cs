using System.Net;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;
using static KeepOperator.Operator.Tests.VirtualServerObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

/// <summary>VirtualServers through <see cref="Planner.Build"/>: who gets them, with which real servers, and why not.</summary>
public sealed class VirtualServerPlannerTests
{
    private static readonly NodeInfo[] Nodes = [Node("n1", false, ("lb", "yes")), Node("n2", false, ("lb", "yes")), Node("n3")];

    private static Plan Build(VirtualServerInputs inputs, params VirtualIp[] vips) =>
        Planner.Build(State(vips.Length == 0 ? [Vip("web", selector: new() { ["lb"] = "yes" })] : vips, Nodes) with { VirtualServerInputs = inputs }, new PlannerOptions());

    private static string Servers(IEnumerable<RealServer> servers) => string.Join(" ", servers.Select(r => $"{r.Address}:{r.Port}w{r.Weight}"));

    private static string Resolved(IEnumerable<RealServerSettings> servers) => string.Join(" ", servers.Select(r => $"{r.Address}:{r.Port}w{r.Weight}"));

    [Fact]
    public void ServiceRef_GivesTheReadyEndpoints_OnTheNamedPortsTargetPort_MergedWithFixedServers_ToTheVipsNodes()
    {
        var plan = Build(new(
            [Vs("api", service: "api", servicePort: "http", realServers: [("10.1.0.9", 9000, 5), ("10.1.0.3", 8080, 2)])],
            [Service("api", ("metrics", 9100), ("http", 80))],
            [
                Slice("api-b", "api", "http", 8080, "IPv4", ("10.1.0.5", true), ("10.1.0.4", false)),
                Slice("api-a", "api", "http", 8080, "IPv4", ("10.1.0.10", null), ("10.1.0.3", true)),
                Slice("api-m", "api", "metrics", 9100, "IPv4", ("10.1.0.7", true)),
                Slice("api-6", "api", "http", 8080, "IPv6", ("fd00::5", true)),
                Slice("other", "other", "http", 8080, "IPv4", ("10.1.0.8", true)),
            ]));

        Assert.Null(plan.VirtualServers["default/api"].Withheld);
        // Not-ready 10.1.0.4, the other port's, the other family's and the other Service's endpoints are left out;
        // the fixed 10.1.0.3:8080 keeps its weight over the same endpoint; numeric order, not text order.
        const string expected = "10.1.0.3:8080w2 10.1.0.5:8080w 10.1.0.9:9000w5 10.1.0.10:8080w";
        Assert.Equal(expected, Servers(plan.VirtualServers["default/api"].RealServers));
        Assert.Equal(["n1", "n2"], plan.VirtualServers["default/api"].Nodes);
        foreach (var node in new[] { "n1", "n2" })
        {
            // Resolved: the real servers' defaults (the virtual server's port, weight 1) and the spec's applied.
            var given = Assert.Single(plan.NodeConfigs[node].VirtualServers!);
            Assert.Equal(("default", "api", 3L, "web"), (given.Namespace, given.Name, given.Generation ?? 0, given.VirtualIp));
            Assert.Equal("10.1.0.3:8080w2 10.1.0.5:8080w1 10.1.0.9:9000w5 10.1.0.10:8080w1", Resolved(given.RealServers));
            Assert.Equal((IPAddress.Parse("10.0.0.10"), 80, "wlc", ForwardingMethod.Nat, VirtualServerProtocol.Tcp), (given.Address, given.Port, given.Scheduler, given.Forwarding, given.Protocol));
        }

        Assert.Equal(plan.NodeConfigs["n1"].VirtualServers, plan.NodeConfigs["n2"].VirtualServers);
        Assert.Null(plan.NodeConfigs["n3"].VirtualServers);
    }

    [Theory]
    [InlineData("8443", "10.1.0.2:9443")]
    [InlineData(null, "10.1.0.1:9080")]
    [InlineData("https", "10.1.0.2:9443")]
    public void ServicePort_ByNumberOrName_DefaultTheFirst(string? servicePort, string expected)
    {
        var plan = Build(new(
            [Vs("api", service: "api", servicePort: servicePort)],
            [Service("api", ("http", 8080), ("https", 8443))],
            [Slice("a", "api", "http", 9080, "IPv4", ("10.1.0.1", true)), Slice("b", "api", "https", 9443, "IPv4", ("10.1.0.2", true))]));

        Assert.Equal(expected, string.Join(" ", plan.VirtualServers["default/api"].RealServers.Select(r => $"{r.Address}:{r.Port}")));
    }

    /// <summary>DNS's shape: TCP 53 and UDP 53, two Service ports of one number with their own target ports.</summary>
    [Theory]
    [InlineData("TCP", "53", "10.1.0.1:5353")]
    [InlineData("UDP", "53", "10.1.0.1:5354")]
    [InlineData("UDP", null, "10.1.0.1:5354")]
    public void ServicePort_ByNumberOrDefault_IsTheOneOfTheVirtualServersProtocol(string protocol, string? servicePort, string expected)
    {
        var service = Service("dns", ("dns-tcp", 53), ("dns-udp", 53));
        service.Spec.Ports[1].Protocol = "UDP";
        var udp = Slice("u", "dns", "dns-udp", 5354, "IPv4", ("10.1.0.1", true));
        udp.Ports[0].Protocol = "UDP";
        var server = Vs("dns", port: 53, service: "dns", servicePort: servicePort);
        server.Spec.Protocol = protocol;

        var plan = Build(new([server], [service], [Slice("t", "dns", "dns-tcp", 5353, "IPv4", ("10.1.0.1", true)), udp]));

        Assert.Equal(expected, string.Join(" ", plan.VirtualServers["default/dns"].RealServers.Select(r => $"{r.Address}:{r.Port}")));
    }

    [Fact]
    public void SameInputs_InAnyOrder_GiveTheSameSpecs()
    {
        VirtualServer[] servers = [Vs("b", service: "api"), Vs("a", port: 81, realServers: [("10.2.0.1", null, null)])];
        List<V1EndpointSlice> slices = [Slice("s1", "api", null, 80, "IPv4", ("10.1.0.2", true), ("10.1.0.1", true)), Slice("s2", "api", null, 80, "IPv4", ("10.1.0.1", true), ("10.1.0.3", true))];
        var forward = Build(new(servers, [Service("api", (null, 80))], slices));
        var backward = Build(new(Enumerable.Reverse(servers).ToList(), [Service("api", (null, 80))], Enumerable.Reverse(slices).ToList()));

        var json = (Plan p) => System.Text.Json.JsonSerializer.Serialize(p.NodeConfigs["n1"], ApiJsonContext.Default.NodeAgentConfigSpec);
        Assert.Equal(json(forward), json(backward));
        Assert.Equal(["a", "b"], forward.NodeConfigs["n1"].VirtualServers!.Select(v => v.Name));
        Assert.Equal("10.1.0.1:80w 10.1.0.2:80w 10.1.0.3:80w", Servers(forward.VirtualServers["default/b"].RealServers));
    }

    public static TheoryData<VirtualServer, string, string> Withheld => new()
    {
        { Vs("x", vip: "gone", realServers: [("10.1.0.1", null, null)]), VirtualServerReasons.VirtualIpNotFound, "VirtualIp gone (spec.virtualIpRef) not found" },
        { Vs("x", service: "gone"), VirtualServerReasons.ServiceNotFound, "Service default/gone (spec.serviceRef) not found" },
        { Vs("x", service: "api", servicePort: "grpc"), VirtualServerReasons.ServicePortNotFound, "Service default/api has no port \"grpc\" (spec.serviceRef.port)" },
        { Vs("x", port: 0, realServers: [("10.1.0.1", null, null)]), VirtualServerReasons.InvalidSpec, "spec.port: must be between 1 and 65535, got 0" },
        { Vs("x", realServers: [("fd00::1", null, null)]), VirtualServerReasons.InvalidSpec, "spec.realServers[0].address: must be of the family of 10.0.0.10, got \"fd00::1\"" },
        { Vs("x", address: "10.0.0.99", realServers: [("10.1.0.1", null, null)]), VirtualServerReasons.AddressNotOnVirtualIp, "spec.address: 10.0.0.99 is not an address of VirtualIp \"web\" (10.0.0.10)" },
    };

    [Theory]
    [MemberData(nameof(Withheld))]
    public void Withheld_FromEveryNode_WithTheReason(VirtualServer server, string reason, string message)
    {
        var plan = Build(new([server], [Service("api", ("http", 80))], []));

        var why = plan.VirtualServers["default/x"].Withheld;
        Assert.NotNull(why);
        Assert.Equal((ConditionTypes.Ready, false, reason), (why.Type, why.Status, why.Reason));
        Assert.Contains(message, why.Message, StringComparison.Ordinal);
        Assert.All(plan.NodeConfigs.Values, c => Assert.Null(c.VirtualServers));
    }

    [Fact]
    public void VirtualServerOnAWithheldVirtualIp_IsWithheld()
    {
        var plan = Build(new([Vs("x", realServers: [("10.1.0.1", null, null)])], [], []), Vip("web", vrid: 7), Vip("other", "10.0.0.11", vrid: 7));

        Assert.Equal(VirtualServerReasons.VirtualIpNotServed, plan.VirtualServers["default/x"].Withheld?.Reason);
        Assert.All(plan.NodeConfigs.Values, c => Assert.Null(c.VirtualServers));
    }

    [Fact]
    public void EndpointGoingUnready_ChangesThePlan_AndPlanDiffQueuesTheNodesAndTheVirtualServer()
    {
        var service = Service("api", (null, 80));
        var before = Build(new([Vs("api", service: "api")], [service], [Slice("s", "api", null, 8080, "IPv4", ("10.1.0.1", true), ("10.1.0.2", true))]));
        var after = Build(new([Vs("api", service: "api")], [service], [Slice("s", "api", null, 8080, "IPv4", ("10.1.0.1", true), ("10.1.0.2", false))]));

        Assert.Equal("10.1.0.1:8080w1", Resolved(after.NodeConfigs["n1"].VirtualServers![0].RealServers));
        Assert.Equal(
            [ReconcileKey.Node("n1"), ReconcileKey.Node("n2"), ReconcileKey.VirtualServer("default/api")],
            PlanDiff.Changed(before, after).OrderBy(k => k.ToString(), StringComparer.Ordinal));
        Assert.Empty(PlanDiff.Changed(after, Build(new([Vs("api", service: "api")], [service], [Slice("s", "api", null, 8080, "IPv4", ("10.1.0.1", true), ("10.1.0.2", false))]))));
    }

    [Fact]
    public void A_static_virtual_server_goes_to_the_nodes_its_selector_matches_whatever_the_vips()
    {
        VirtualServer Static(string name, Dictionary<string, string>? selector)
        {
            var server = Vs(name, address: "10.0.0.40", realServers: [("10.1.0.1", 8080, null)]);
            (server.Spec.VirtualIpRef, server.Spec.NodeSelector) = (null, selector);
            return server;
        }

        var plan = Build(new([Static("selected", new() { ["lb"] = "yes" }), Static("everywhere", null), Static("nowhere", new() { ["lb"] = "maybe" })], [], []));
        Assert.Equal(["n1", "n2"], plan.VirtualServers["default/selected"].Nodes);
        Assert.Equal(["n1", "n2", "n3"], plan.VirtualServers["default/everywhere"].Nodes);
        Assert.Empty(plan.VirtualServers["default/nowhere"].Nodes);
        Assert.Null(plan.VirtualServers["default/selected"].VirtualIp);
        Assert.Equal("10.0.0.40", plan.VirtualServers["default/selected"].Address);
        var given = plan.NodeConfigs["n3"].VirtualServers!.Single();
        Assert.Equal(("everywhere", null, IPAddress.Parse("10.0.0.40")), (given.Name, given.VirtualIp, given.Address));
        Assert.Equal(2, plan.NodeConfigs["n1"].VirtualServers!.Count);
    }
}
