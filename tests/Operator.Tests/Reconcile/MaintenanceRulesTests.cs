using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class MaintenanceRulesTests
{
    [Fact]
    public void NothingSpecial_GivesPrioritiesFromSpecOrDefault()
    {
        var decision = MaintenanceRules.Decide(Vip("web", priorities: [("n1", 150)]), [Node("n1"), Node("n2")], 1);
        Assert.Equal(150, decision.Priorities["n1"]);
        Assert.Equal(100, decision.Priorities["n2"]);
        Assert.Null(decision.PreferredMaster);
    }

    [Theory]
    [InlineData(1, 89)]
    [InlineData(10, 80)]
    [InlineData(200, 1)]
    public void CordonedNode_DropsBelowTheLowestSchedulableNode(int offset, int expected)
    {
        var decision = MaintenanceRules.Decide(Vip("web", priorities: [("n1", 200), ("n2", 90), ("n3", 120)]), [Node("n1", cordoned: true), Node("n2"), Node("n3")], offset);
        Assert.Equal(expected, decision.Priorities["n1"]);
        Assert.Equal(90, decision.Priorities["n2"]);
    }

    [Fact]
    public void AllNodesCordoned_KeepTheirPriorities_ThereIsNobodyToHandOverTo()
    {
        var decision = MaintenanceRules.Decide(Vip("web", priorities: [("n1", 200)]), [Node("n1", cordoned: true), Node("n2", cordoned: true)], 1);
        Assert.Equal(200, decision.Priorities["n1"]);
        Assert.Equal(100, decision.Priorities["n2"]);
    }

    [Fact]
    public void PreferredMaster_IsRaisedAboveEveryOtherNode()
    {
        var vip = Vip("web", priorities: [("n1", 150), ("n2", 100)]);
        vip.Metadata.Annotations = new() { [Annotations.PreferredMaster] = "n2" };
        var decision = MaintenanceRules.Decide(vip, [Node("n1"), Node("n2")], 1);
        Assert.Equal(151, decision.Priorities["n2"]);
        Assert.Equal(150, decision.Priorities["n1"]);
        Assert.True(decision.PreferredMaster!.Status);
        Assert.Equal("PriorityRaised", decision.PreferredMaster.Reason);
    }

    [Fact]
    public void PreferredMaster_WhenOthersAreAtTheTop_CapsAt254AndLowersThem()
    {
        var vip = Vip("web", priorities: [("n1", 254), ("n2", 100)]);
        vip.Metadata.Annotations = new() { [Annotations.PreferredMaster] = "n2" };
        var decision = MaintenanceRules.Decide(vip, [Node("n1"), Node("n2")], 1);
        Assert.Equal(254, decision.Priorities["n2"]);
        Assert.Equal(253, decision.Priorities["n1"]);
    }

    [Fact]
    public void PreferredMaster_WithPreemptOff_SaysItWaitsForAFailure()
    {
        var vip = Vip("web");
        vip.Spec.Preempt = false;
        vip.Metadata.Annotations = new() { [Annotations.PreferredMaster] = "n2" };
        var decision = MaintenanceRules.Decide(vip, [Node("n1"), Node("n2")], 1);
        Assert.Equal(101, decision.Priorities["n2"]);
        Assert.False(decision.PreferredMaster!.Status);
        Assert.Equal("PreemptDisabled", decision.PreferredMaster.Reason);
        Assert.Contains("preempt is off", decision.PreferredMaster.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("n9", "NodeNotEligible")]
    [InlineData("n1", "NodeCordoned")]
    public void PreferredMaster_ThatCannotBeHonoured_IsReported(string preferred, string reason)
    {
        var vip = Vip("web");
        vip.Metadata.Annotations = new() { [Annotations.PreferredMaster] = preferred };
        var decision = MaintenanceRules.Decide(vip, [Node("n1", cordoned: true), Node("n2")], 1);
        Assert.False(decision.PreferredMaster!.Status);
        Assert.Equal(reason, decision.PreferredMaster.Reason);
        Assert.Equal(100, decision.Priorities["n2"]);
    }
}
