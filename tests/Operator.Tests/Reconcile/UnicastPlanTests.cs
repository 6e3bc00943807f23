using System.Net;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Operator.Kube;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

/// <summary>A unicast VirtualIp's peers follow the nodes: each node gets the other eligible nodes' InternalIPs.</summary>
public sealed class UnicastPlanTests
{
    private static readonly PlannerOptions Options = new();

    private static VirtualIp UnicastVip(string address = "10.0.0.10", Dictionary<string, string>? selector = null)
    {
        var vip = Vip("web", address, selector: selector);
        vip.Spec.VrrpVersion = address.Contains(':', StringComparison.Ordinal) ? 3 : null;
        vip.Spec.Unicast = new VrrpUnicast();
        return vip;
    }

    private static NodeInfo Node(string name, params string[] addresses) =>
        TestObjects.Node(name, false, ("lb", "yes")) with { InternalAddresses = [.. addresses.Select(IPAddress.Parse)] };

    /// <summary>"peer,peer from source".</summary>
    private static string Unicast(Plan plan, string node)
    {
        var unicast = plan.NodeConfigs[node].Instances.Single().Unicast!;
        return $"{string.Join(',', unicast.Peers)} from {unicast.SourceAddress?.ToString() ?? "(interface)"}";
    }

    [Fact]
    public void Each_node_advertises_to_the_others_from_its_own_address()
    {
        var plan = Planner.Build(State([UnicastVip()], [Node("n1", "10.0.0.1"), Node("n2", "10.0.0.2"), Node("n3", "10.0.0.3")]), Options);
        Assert.Equal("10.0.0.2,10.0.0.3 from 10.0.0.1", Unicast(plan, "n1"));
        Assert.Equal("10.0.0.1,10.0.0.3 from 10.0.0.2", Unicast(plan, "n2"));
        Assert.Equal("10.0.0.1,10.0.0.2 from 10.0.0.3", Unicast(plan, "n3"));
    }

    [Fact]
    public void Only_nodes_the_selector_matches_are_peers()
    {
        var plan = Planner.Build(
            State([UnicastVip(selector: new() { ["lb"] = "yes" })], [Node("n1", "10.0.0.1"), Node("n2", "10.0.0.2"), TestObjects.Node("n3") with { InternalAddresses = [IPAddress.Parse("10.0.0.3")] }]),
            Options);
        Assert.Equal("10.0.0.2 from 10.0.0.1", Unicast(plan, "n1"));
        Assert.Empty(plan.NodeConfigs["n3"].Instances);
    }

    [Fact]
    public void Peers_are_of_the_addresses_family_and_a_node_without_one_is_skipped()
    {
        var nodes = new[] { Node("n1", "10.0.0.1", "fd00::1"), Node("n2", "fd00::2", "10.0.0.2"), Node("n3", "10.0.0.3") };
        var plan = Planner.Build(State([UnicastVip("fd00::100")], nodes), Options);
        Assert.Equal("fd00::2 from fd00::1", Unicast(plan, "n1"));
        Assert.Equal("fd00::1,fd00::2 from (interface)", Unicast(plan, "n3"));
    }

    [Fact]
    public void A_node_coming_going_or_changing_address_changes_the_others_peers()
    {
        var vip = UnicastVip();
        var two = Planner.Build(State([vip], [Node("n1", "10.0.0.1"), Node("n2", "10.0.0.2")]), Options);
        Assert.Equal("10.0.0.2 from 10.0.0.1", Unicast(two, "n1"));

        var added = Planner.Build(State([vip], [Node("n1", "10.0.0.1"), Node("n2", "10.0.0.2"), Node("n3", "10.0.0.3")]), Options);
        Assert.Equal("10.0.0.2,10.0.0.3 from 10.0.0.1", Unicast(added, "n1"));

        var moved = Planner.Build(State([vip], [Node("n1", "10.0.0.1"), Node("n2", "10.0.0.22"), Node("n3", "10.0.0.3")]), Options);
        Assert.Equal("10.0.0.22,10.0.0.3 from 10.0.0.1", Unicast(moved, "n1"));
        Assert.Equal("10.0.0.1,10.0.0.3 from 10.0.0.22", Unicast(moved, "n2"));

        var removed = Planner.Build(State([vip], [Node("n1", "10.0.0.1"), Node("n3", "10.0.0.3")]), Options);
        Assert.Equal("10.0.0.3 from 10.0.0.1", Unicast(removed, "n1"));
    }

    [Fact]
    public void Explicit_peers_are_passed_on_as_listed()
    {
        var vip = UnicastVip();
        vip.Spec.Unicast!.Peers = ["10.0.0.1", "10.0.0.2", "10.0.0.50"];
        var plan = Planner.Build(State([vip], [Node("n1", "10.0.0.1"), Node("n2", "10.0.0.2")]), Options);
        Assert.Equal("10.0.0.1,10.0.0.2,10.0.0.50 from (interface)", Unicast(plan, "n1")); // the agent leaves its own out
    }

    [Fact]
    public void A_multicast_VirtualIp_has_no_peers()
    {
        var plan = Planner.Build(State([Vip("web")], [Node("n1", "10.0.0.1"), Node("n2", "10.0.0.2")]), Options);
        Assert.Null(plan.NodeConfigs["n1"].Instances.Single().Unicast);
    }

    [Fact]
    public void A_Nodes_InternalIPs_are_read_and_their_change_moves_the_plan()
    {
        static V1Node KubeNode(params (string Type, string Address)[] addresses) => new()
        {
            Metadata = new V1ObjectMeta { Name = "n1" },
            Status = new V1NodeStatus { Addresses = [.. addresses.Select(a => new V1NodeAddress { Address = a.Address, Type = a.Type })] },
        };

        var node = KubeNode(("Hostname", "n1"), ("InternalIP", "10.0.0.1"), ("ExternalIP", "203.0.113.1"), ("InternalIP", "fd00::1"), ("InternalIP", "bogus"));
        Assert.Equal([IPAddress.Parse("10.0.0.1"), IPAddress.Parse("fd00::1")], InformerClusterView.ToNodeInfo(node).InternalAddresses);
        Assert.NotEqual(PlanRelevance.Of(node), PlanRelevance.Of(KubeNode(("InternalIP", "10.0.0.2"))));
        Assert.Equal(PlanRelevance.Of(KubeNode(("InternalIP", "10.0.0.1"))), PlanRelevance.Of(KubeNode(("InternalIP", "10.0.0.1"), ("ExternalIP", "203.0.113.9"))));
    }
}
