using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

/// <summary>Sync groups in the plan: accepted groups reach the agents with their name, refused ones reach nobody.</summary>
public sealed class SyncGroupPlanTests
{
    private static readonly PlannerOptions Options = new();

    private static readonly NodeInfo[] Nodes = [Node("n1", false, ("edge", "yes")), Node("n2", false, ("edge", "yes")), Node("n3")];

    private static VirtualIp Member(string name, string address, string group = "router", (string Node, int Priority)[]? priorities = null, Dictionary<string, string>? selector = null)
    {
        var vip = Vip(name, address, priorities: priorities, selector: selector ?? new() { ["edge"] = "yes" });
        vip.Spec.SyncGroup = group;
        return vip;
    }

    private static PlannedCondition Refusal(Plan plan, string vip) => plan.VirtualIps[vip].Conditions.Single(c => c.Type == ConditionTypes.SyncGroupRefused);

    [Fact]
    public void Members_that_agree_reach_every_eligible_node_with_the_group_name()
    {
        var plan = Planner.Build(State(
            [Member("outside", "10.0.0.10", priorities: [("n1", 150)]), Member("inside", "10.1.0.10", priorities: [("n1", 150)]), Vip("alone", "10.0.0.20")],
            Nodes), Options);

        foreach (var node in new[] { "n1", "n2" })
        {
            var instances = plan.NodeConfigs[node].Instances.Where(i => i.SyncGroup == "router").Select(i => i.Name).Order();
            Assert.Equal(["inside", "outside"], instances);
        }

        Assert.DoesNotContain(plan.NodeConfigs["n3"].Instances, i => i.SyncGroup is not null);
        Assert.False(Refusal(plan, "outside").Status);
        Assert.DoesNotContain(plan.VirtualIps["alone"].Conditions, c => c.Type == ConditionTypes.SyncGroupRefused);
    }

    [Fact]
    public void Members_selecting_different_nodes_are_all_refused_and_given_to_no_node()
    {
        var plan = Planner.Build(State([Member("outside", "10.0.0.10"), Member("inside", "10.1.0.10", selector: []), Member("lonely", "10.2.0.10", group: "other")], Nodes), Options);

        foreach (var name in new[] { "outside", "inside" })
        {
            var refusal = Refusal(plan, name);
            Assert.True(refusal.Status);
            Assert.Equal(VirtualIpReasons.MembersDisagree, refusal.Reason);
            Assert.Contains("nodeSelectors pick different nodes (inside: [n1,n2,n3]; outside: [n1,n2])", refusal.Message, StringComparison.Ordinal);
            Assert.True(plan.VirtualIps[name].Withheld);
        }

        Assert.All(plan.NodeConfigs.Values, config => Assert.DoesNotContain(config.Instances, i => i.SyncGroup == "router"));
        Assert.False(Refusal(plan, "lonely").Status); // another group, unaffected
        Assert.Contains(plan.NodeConfigs["n1"].Instances, i => i.Name == "lonely");
    }

    [Fact]
    public void Members_whose_priorities_differ_on_a_node_are_refused_with_that_node_named()
    {
        var plan = Planner.Build(State([Member("outside", "10.0.0.10", priorities: [("n2", 150)]), Member("inside", "10.1.0.10", priorities: [("n1", 150)])], Nodes), Options);

        var refusal = Refusal(plan, "inside");
        Assert.True(refusal.Status);
        Assert.Contains("priorities on node n1 differ (inside: 150, outside: 100)", refusal.Message, StringComparison.Ordinal);
        Assert.All(plan.NodeConfigs.Values, config => Assert.Empty(config.Instances));
    }

    [Fact]
    public void Members_that_disagree_on_preemption_are_refused()
    {
        var outside = Member("outside", "10.0.0.10");
        outside.Spec.Preempt = false;
        var plan = Planner.Build(State([outside, Member("inside", "10.1.0.10")], Nodes), Options);
        Assert.Contains("some members preempt and some do not", Refusal(plan, "outside").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_members_pods_track_in_fault_on_a_node_takes_the_whole_group_off_it()
    {
        var outside = Member("outside", "10.0.0.10");
        outside.Spec.Track = [new TrackCheck { Name = "router-pods", Pods = new PodsCheck { Selector = new LabelSelector { MatchLabels = new() { ["app"] = "router" } } } }];
        var state = State([outside, Member("inside", "10.1.0.10")], Nodes) with
        {
            Pods = [new PodInfo("default", new Dictionary<string, string> { ["app"] = "router" }, "n2", Ready: true, Terminating: false)],
        };

        var plan = Planner.Build(state, Options);

        Assert.Empty(plan.NodeConfigs["n1"].Instances);
        Assert.Equal(["inside", "outside"], plan.NodeConfigs["n2"].Instances.Select(i => i.Name).Order());
    }

    [Fact]
    public void An_invalid_member_is_refused_by_the_validator_and_the_others_run_as_a_smaller_group()
    {
        var bad = Member("bad", "10.0.0.300");
        var plan = Planner.Build(State([bad, Member("inside", "10.1.0.10")], Nodes), Options);
        Assert.Equal("not checked: the spec is invalid", Refusal(plan, "bad").Message);
        Assert.Equal(["inside"], plan.NodeConfigs["n1"].Instances.Select(i => i.Name));
    }
}
