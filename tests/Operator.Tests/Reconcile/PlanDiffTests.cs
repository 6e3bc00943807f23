using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class PlanDiffTests
{
    private static Plan Build(ClusterState state) => Planner.Build(state, new PlannerOptions());

    [Fact]
    public void FirstPlan_TouchesEverything()
    {
        var plan = Build(State([Vip("web")], [Node("n1"), Node("n2")]));
        Assert.Equal(
            [ReconcileKey.Node("n1"), ReconcileKey.Node("n2"), ReconcileKey.VirtualIp("web")],
            PlanDiff.Changed(null, plan).OrderBy(k => k.ToString(), StringComparer.Ordinal));
    }

    [Fact]
    public void NewVirtualIp_TouchesItselfAndOnlyItsNodes()
    {
        var nodes = new[] { Node("n1", false, ("pool", "a")), Node("n2", false, ("pool", "a")), Node("n3", false, ("pool", "b")) };
        var web = Vip("web", selector: new() { ["pool"] = "b" });
        var before = Build(State([web], nodes));
        var after = Build(State([web, Vip("db", "10.0.0.11", selector: new() { ["pool"] = "a" }, createdSecond: 1)], nodes));
        Assert.Equal(
            [ReconcileKey.Node("n1"), ReconcileKey.Node("n2"), ReconcileKey.VirtualIp("db")],
            PlanDiff.Changed(before, after).OrderBy(k => k.ToString(), StringComparer.Ordinal));
        Assert.Empty(PlanDiff.Changed(after, Build(State([web, Vip("db", "10.0.0.11", selector: new() { ["pool"] = "a" }, createdSecond: 1)], nodes))));
    }

    [Fact]
    public void Cordon_TouchesTheVirtualIpsOnThatNode_AndTheirNodes()
    {
        var before = Build(State([Vip("web"), Vip("db", "10.0.0.11", selector: new() { ["x"] = "y" })], [Node("n1"), Node("n2")]));
        var after = Build(State([Vip("web"), Vip("db", "10.0.0.11", selector: new() { ["x"] = "y" })], [Node("n1", cordoned: true), Node("n2")]));
        Assert.Equal(
            [ReconcileKey.Node("n1"), ReconcileKey.Node("n2"), ReconcileKey.VirtualIp("web")],
            PlanDiff.Changed(before, after).OrderBy(k => k.ToString(), StringComparer.Ordinal));
    }

    [Fact]
    public void DeletedVirtualIp_TouchesTheNodesItWasOn()
    {
        var before = Build(State([Vip("web")], [Node("n1")]));
        var after = Build(State([], [Node("n1")]));
        Assert.Equal([ReconcileKey.Node("n1"), ReconcileKey.VirtualIp("web")], PlanDiff.Changed(before, after).OrderBy(k => k.ToString(), StringComparer.Ordinal));
    }
}
