using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class PodTrackRuleTests
{
    private static readonly NodeInfo[] TwoNodes = [Node("n1"), Node("n2")];

    private static VirtualIp Tracked(int? weight, string? ns = null, (string Node, int Priority)[]? priorities = null, params (string Key, string Value)[] selector)
    {
        var vip = Vip("web", priorities: priorities);
        vip.Spec.Track =
        [
            new TrackCheck
            {
                Name = "web-pods",
                Weight = weight,
                Pods = new PodsCheck { Namespace = ns, Selector = new LabelSelector { MatchLabels = (selector.Length > 0 ? selector : [("app", "web")]).ToDictionary(s => s.Key, s => s.Value) } },
            },
        ];
        return vip;
    }

    private static PodInfo Pod(string? node, bool ready = true, bool terminating = false, string ns = "default", params (string Key, string Value)[] labels) =>
        new(ns, (labels.Length > 0 ? labels : [("app", "web")]).ToDictionary(l => l.Key, l => l.Value), node, ready, terminating);

    private static PodTrackDecision Decide(VirtualIp vip, IEnumerable<NodeInfo> nodes, params PodInfo[] pods) =>
        PodTrackRule.Decide(vip, nodes.ToList(), new ReadyPodIndex(pods));

    [Fact]
    public void ReadyPodOnOneNode_LowersOnlyTheOtherNode_AndSaysSo()
    {
        var decision = Decide(Tracked(-20), TwoNodes, Pod("n1"));
        Assert.Equal(100, decision.Priorities["n1"]);
        Assert.Equal(80, decision.Priorities["n2"]);
        Assert.Empty(decision.Faulted);
        Assert.Equal(new PlannedCondition(ConditionTypes.TrackFailing, true, "NoReadyPod", "n2: no Ready pod matching app=web in default (-20)"), decision.Condition);
    }

    [Theory]
    [InlineData("not ready", false, false, "default", "n1")]
    [InlineData("terminating", true, true, "default", "n1")]
    [InlineData("other node", true, false, "default", "n2")]
    [InlineData("other namespace", true, false, "shop", "n1")]
    [InlineData("pending: no node yet", true, false, "default", null)]
    public void PodsThatDoNotCount_LeaveTheTrackFailing(string why, bool ready, bool terminating, string ns, string? node)
    {
        var decision = Decide(Tracked(-20), [Node("n1")], Pod(node, ready, terminating, ns));
        Assert.True(80 == decision.Priorities["n1"], why);
        Assert.True(decision.Condition!.Status, why);
    }

    [Fact]
    public void EverySelectorLabelMustMatch_AndTheNamespaceIsTheTracksOwn()
    {
        var vip = Tracked(-20, "shop", null, ("app", "web"), ("tier", "front"));
        var decision = Decide(vip, TwoNodes,
            Pod("n1", ns: "shop", labels: [("app", "web"), ("tier", "front"), ("extra", "x")]),
            Pod("n2", ns: "shop", labels: [("app", "web"), ("tier", "back")]),
            Pod("n2", ns: "default", labels: [("app", "web"), ("tier", "front")]));
        Assert.Equal(100, decision.Priorities["n1"]);
        Assert.Equal(80, decision.Priorities["n2"]);
        Assert.Equal("n2: no Ready pod matching app=web,tier=front in shop (-20)", decision.Condition!.Message);
        Assert.True(PodTrackRule.Concerns(vip, Pod("n9", ready: false, ns: "shop", labels: [("app", "web"), ("tier", "front")])));
        Assert.False(PodTrackRule.Concerns(vip, Pod("n1", ns: "default", labels: [("app", "web"), ("tier", "front")])));
        Assert.False(PodTrackRule.Concerns(Vip("plain"), Pod("n1")));
    }

    [Fact]
    public void NodesFailingAlike_ShareALine_OthersGetTheirOwn()
    {
        var vip = Tracked(-20);
        vip.Spec.Track!.Add(new TrackCheck { Name = "db", Weight = -5, Pods = new PodsCheck { Selector = new LabelSelector { MatchLabels = new() { ["app"] = "db" } } } });
        var decision = Decide(vip, [Node("n1"), Node("n2"), Node("n3")], Pod("n1"), Pod("n1", labels: ("app", "db")), Pod("n3", labels: ("app", "db")));
        Assert.Equal(
            "n2: no Ready pod matching app=web in default (-20), no Ready pod matching app=db in default (-5); n3: no Ready pod matching app=web in default (-20)",
            decision.Condition!.Message);
        Assert.Equal([100, 75, 80], decision.Priorities.Values);
        var alike = Decide(Tracked(-20), [Node("n1"), Node("n2"), Node("n3")], Pod("n2"));
        Assert.Equal("n1, n3: no Ready pod matching app=web in default (-20)", alike.Condition!.Message);
    }

    [Fact]
    public void PositiveWeight_IsAddedWhilePassing()
    {
        var decision = Decide(Tracked(30), TwoNodes, Pod("n2"));
        Assert.Equal(100, decision.Priorities["n1"]);
        Assert.Equal(130, decision.Priorities["n2"]);
        Assert.Equal("n1: no Ready pod matching app=web in default (+30 not added)", decision.Condition!.Message);
    }

    [Fact]
    public void WeightZero_PutsTheNodeInFault_InsteadOfChangingItsPriority()
    {
        var decision = Decide(Tracked(weight: null), TwoNodes, Pod("n1"));
        Assert.Equal(["n1"], decision.Priorities.Keys);
        Assert.Equal(["n2"], decision.Faulted);
        Assert.Equal("n2: no Ready pod matching app=web in default (FAULT)", decision.Condition!.Message);
    }

    [Fact]
    public void AllPassing_IsAFalseCondition_AndNoPodsTrack_IsNone()
    {
        var passing = Decide(Tracked(-20), TwoNodes, Pod("n1"), Pod("n2"));
        Assert.Equal((false, "PodsReady"), (passing.Condition!.Status, passing.Condition.Reason));
        var untracked = Decide(Vip("web", priorities: [("n1", 150)]), TwoNodes);
        Assert.Null(untracked.Condition);
        Assert.Equal([150, 100], untracked.Priorities.Values);
    }

    [Fact]
    public void Results_AreClampedTo1Through254()
    {
        Assert.Equal(1, Decide(Tracked(-200, priorities: [("n1", 10)]), [Node("n1")]).Priorities["n1"]);
        Assert.Equal(254, Decide(Tracked(100, priorities: [("n1", 250)]), [Node("n1")], Pod("n1")).Priorities["n1"]);
    }

    /// <summary>Any priorities, weights and pods: every eligible node is either in FAULT or has a priority in 1..254, never both.</summary>
    [Property(MaxTest = 300)]
    public Property EveryNode_IsFaultedOrWithinPriorityRange()
    {
        var nodes = new[] { "n1", "n2", "n3" };
        var podGen =
            from node in Gen.Elements<string?>("n1", "n2", "n3", null)
            from ready in Gen.Elements(true, false)
            from terminating in Gen.Elements(true, false)
            from app in Gen.Elements("web", "db")
            select new PodInfo("default", new Dictionary<string, string> { ["app"] = app }, node, ready, terminating);
        var trackGen =
            from weight in Gen.Choose(-254, 254)
            from app in Gen.Elements("web", "db")
            select new TrackCheck { Weight = weight, Pods = new PodsCheck { Selector = new LabelSelector { MatchLabels = new() { ["app"] = app } } } };
        var caseGen =
            from priorities in Gen.ArrayOf(Gen.Choose(1, 254), 3)
            from tracks in Gen.ListOf(trackGen)
            from pods in Gen.ListOf(podGen)
            select (priorities, tracks, pods);

        return Prop.ForAll(caseGen.ToArbitrary(), c =>
        {
            var vip = Vip("web", priorities: nodes.Zip(c.priorities).ToArray());
            vip.Spec.Track = c.tracks.ToList();
            var decision = Decide(vip, nodes.Select(n => Node(n)), c.pods.ToArray());
            return decision.Priorities.Values.All(p => p is >= 1 and <= 254)
                && nodes.All(n => decision.Priorities.ContainsKey(n) != decision.Faulted.Contains(n));
        });
    }

    [Fact]
    public void Planner_AppliesTracksBeforeCordon_AndGivesAFaultedNodeNoInstance()
    {
        // n1: 150 - 60 = 90; n2 (cordoned, ready pod) goes below the lowest schedulable node: 89.
        var lowered = Planner.Build(State([Tracked(-60, priorities: [("n1", 150)])], [Node("n1"), Node("n2", cordoned: true)]) with { Pods = [Pod("n2")] }, new PlannerOptions());
        Assert.Equal(90, lowered.NodeConfigs["n1"].Instances.Single().Priority);
        Assert.Equal(89, lowered.NodeConfigs["n2"].Instances.Single().Priority);
        Assert.Contains(lowered.VirtualIps["web"].Conditions, c => c.Type == ConditionTypes.TrackFailing && c.Status);
        Assert.Empty(lowered.NodeConfigs["n1"].Instances.Single().Track); // applied here: the agent has nothing left to run

        var faultVip = Tracked(weight: 0);
        var faulted = Planner.Build(State([faultVip], TwoNodes) with { Pods = [Pod("n1")] }, new PlannerOptions());
        Assert.Empty(faulted.NodeConfigs["n2"].Instances);
        Assert.Equal(["n1"], faulted.VirtualIps["web"].Priorities.Keys);
        Assert.Equal(["n2"], faulted.VirtualIps["web"].Faulted);

        var status = StatusAggregator.Aggregate(faultVip, faulted.VirtualIps["web"], _ => null, Epoch, TimeSpan.FromSeconds(30));
        Assert.Equal([("n1", VrrpStateNames.Unknown), ("n2", VrrpStateNames.Fault)], status.Nodes!.Select(n => (n.Name!, n.State!)));
    }

    [Fact]
    public void Events_FollowEachChangeOfTheFailingNodes()
    {
        static VirtualIpStatus With(bool failing, string message) => new()
        {
            Conditions = [new Condition { Type = ConditionTypes.TrackFailing, Status = failing ? "True" : "False", Reason = failing ? "NoReadyPod" : "PodsReady", Message = message }],
        };

        var allReady = With(false, "every node has a Ready pod for each pods track");
        var n2Down = With(true, "n2: no Ready pod matching app=web in default (-20)");
        var bothDown = With(true, "n1: no Ready pod matching app=web in default (-20); n2: no Ready pod matching app=web in default (-20)");

        Assert.Empty(StatusEvents.Between(null, allReady));
        Assert.Equal([new EventSpec("Warning", "NoReadyPod", n2Down.Conditions![0].Message!)], StatusEvents.Between(allReady, n2Down));
        Assert.Equal([new EventSpec("Warning", "NoReadyPod", bothDown.Conditions![0].Message!)], StatusEvents.Between(n2Down, bothDown));
        Assert.Empty(StatusEvents.Between(bothDown, bothDown));
        Assert.Equal([new EventSpec("Normal", "PodsReady", allReady.Conditions![0].Message!)], StatusEvents.Between(bothDown, allReady));
        Assert.Equal([new EventSpec("Warning", "NoReadyPod", n2Down.Conditions![0].Message!)], StatusEvents.Between(null, n2Down));
    }
}
