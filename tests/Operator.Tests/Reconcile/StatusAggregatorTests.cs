using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class StatusAggregatorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Now = Epoch.AddMinutes(10);

    private static (VirtualIp Vip, VirtualIpPlan Plan) Planned()
    {
        var vip = Vip("web", priorities: [("n1", 150)]);
        return (vip, Planner.Build(State([vip], [Node("n1"), Node("n2"), Node("n3")]), new PlannerOptions()).VirtualIps["web"]);
    }

    private static Func<string, NodeAgentConfig?> Reports(params NodeAgentConfig[] configs) => name => configs.FirstOrDefault(c => c.Metadata.Name == name);

    [Fact]
    public void OneLiveMaster_IsReady_WithBackupsAndNodes()
    {
        var (vip, plan) = Planned();
        var status = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now, ("web", "Master")), Report("n2", Now.AddSeconds(-5), ("web", "Backup"))), Now, Timeout);

        Assert.Equal("n1", status.Master);
        Assert.Equal(["n2"], status.Backups);
        Assert.Equal(1, status.VirtualRouterId);
        Assert.Equal(["n1", "n2", "n3"], status.Nodes!.Select(n => n.Name));
        Assert.Equal([150, 100, 100], status.Nodes!.Select(n => n.Priority ?? 0));
        Assert.Equal(VrrpStateNames.Unknown, status.Nodes![2].State);
        var ready = status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(("True", "MasterElected", 1L), (ready.Status, ready.Reason!, ready.ObservedGeneration ?? 0));
        Assert.Equal("False", status.Conditions!.Single(c => c.Type == ConditionTypes.Conflict).Status);
    }

    [Fact]
    public void StaleHeartbeat_DoesNotCount()
    {
        var (vip, plan) = Planned();
        var status = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now.AddSeconds(-31), ("web", "Master"))), Now, Timeout);
        Assert.Null(status.Master);
        var ready = status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(("False", "NoMaster"), (ready.Status, ready.Reason!));
    }

    [Fact]
    public void TwoMasters_AreNotReady()
    {
        var (vip, plan) = Planned();
        var status = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now, ("web", "Master")), Report("n2", Now, ("web", "Master"))), Now, Timeout);
        Assert.Null(status.Master);
        Assert.Equal("MultipleMasters", status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Reason);
    }

    [Fact]
    public void Two_masters_are_told_once_as_split_brain()
    {
        var (vip, plan) = Planned();
        var one = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now, ("web", "Master")), Report("n2", Now, ("web", "Backup"))), Now, Timeout);
        vip.Status = one;
        var two = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now, ("web", "Master")), Report("n2", Now, ("web", "Master"))), Now, Timeout);

        Assert.Contains(("Warning", "MultipleMasters", "split brain: n1, n2 all report Master"), StatusEvents.Between(one, two).Select(e => (e.Type, e.Reason, e.Message)));
        Assert.DoesNotContain(StatusEvents.Between(two, two), e => e.Reason == "MultipleMasters");
        Assert.DoesNotContain(StatusEvents.Between(null, one), e => e.Reason == "MultipleMasters");
    }

    [Fact]
    public void A_master_that_hears_another_master_is_split_brain_though_only_one_reports_master()
    {
        var (vip, plan) = Planned();
        var calm = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now, ("web", "Master"))), Now, Timeout);
        vip.Status = calm;
        var hearing = Report("n1", Now, ("web", "Master"));
        hearing.Status!.Instances![0].OtherMaster = "10.0.0.9";
        var split = StatusAggregator.Aggregate(vip, plan, Reports(hearing), Now, Timeout);

        var ready = split.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(("False", "MultipleMasters", "n1 reports Master; n1 hears another master at 10.0.0.9"), (ready.Status, ready.Reason!, ready.Message!));
        Assert.Equal("n1", split.Master);
        Assert.Contains(StatusEvents.Between(calm, split), e => e is { Type: "Warning", Reason: "MultipleMasters" });
    }

    [Fact]
    public void A_master_claim_older_than_anothers_takeover_is_stale_once_its_node_went_quiet()
    {
        var (vip, plan) = Planned();
        var killed = Report("n1", Now.AddSeconds(-8), ("web", "Master"));
        var took = Report("n2", Now.AddSeconds(-3), ("web", "Master"));
        var status = StatusAggregator.Aggregate(vip, plan, Reports(killed, took), Now, Timeout);

        Assert.Equal("n2", status.Master);
        Assert.Equal(VrrpStateNames.Unknown, status.Nodes!.Single(n => n.Name == "n1").State);
        Assert.Equal("MasterElected", status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Reason);
    }

    [Fact]
    public void A_master_that_reports_after_anothers_takeover_is_a_second_master()
    {
        var (vip, plan) = Planned();
        var stillMaster = Report("n1", Now.AddSeconds(-1), ("web", "Master"));
        stillMaster.Status!.Instances![0].LastTransitionTime = Now.AddSeconds(-20);
        var status = StatusAggregator.Aggregate(vip, plan, Reports(stillMaster, Report("n2", Now.AddSeconds(-3), ("web", "Master"))), Now, Timeout);

        Assert.Null(status.Master);
        Assert.Equal("MultipleMasters", status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Reason);
    }

    [Fact]
    public void ConditionTransitionTime_MovesOnlyWhenTheStatusFlips()
    {
        var (vip, plan) = Planned();
        var first = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now, ("web", "Master"))), Now, Timeout);
        vip.Status = first;
        var later = Now.AddSeconds(20);
        var same = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", later, ("web", "Master"))), later, Timeout);
        Assert.Equal(Now, same.Conditions!.Single(c => c.Type == ConditionTypes.Ready).LastTransitionTime);
        var flipped = StatusAggregator.Aggregate(vip, plan, Reports(), later, Timeout);
        Assert.Equal(later, flipped.Conditions!.Single(c => c.Type == ConditionTypes.Ready).LastTransitionTime);
    }

    [Fact]
    public void Events_FollowStatusChanges_AndNothingElse()
    {
        var (vip, plan) = Planned();
        var n1 = StatusAggregator.Aggregate(vip, plan, Reports(Report("n1", Now, ("web", "Master"))), Now, Timeout);
        Assert.Equal(
            [("Normal", "MasterChanged", "n1 is master"), ("Normal", "BecameMaster", "n1 became master (priority 150, effective 100)")],
            StatusEvents.Between(null, n1).Select(e => (e.Type, e.Reason, e.Message)));
        Assert.Empty(StatusEvents.Between(n1, n1));

        // n1 stops reporting (Unknown: no transition of its own), n2 takes over
        var n2 = StatusAggregator.Aggregate(vip, plan, Reports(Report("n2", Now, ("web", "Master"))), Now, Timeout);
        Assert.Equal(
            [("Normal", "MasterChanged", "n2 is master (was n1)"), ("Normal", "BecameMaster", "n2 became master (priority 100)")],
            StatusEvents.Between(n1, n2).Select(e => (e.Type, e.Reason, e.Message)));

        vip.Status = n2; // web runs with VRID 1; a newcomer asking for 1 conflicts with it
        var conflicted = Planner.Build(State([vip, Vip("db", "10.0.0.11", vrid: 1)], [Node("n1")]), new PlannerOptions()).VirtualIps["web"];
        var conflict = StatusAggregator.Aggregate(vip, conflicted, Reports(), Now, Timeout);
        Assert.Equal(
            [("Warning", "MasterChanged", "no node is master (was n2)"), ("Warning", "Conflict", conflict.Conditions!.Single(c => c.Type == ConditionTypes.Conflict).Message!)],
            StatusEvents.Between(n2, conflict).Select(e => (e.Type, e.Reason, e.Message)));
    }

    [Fact]
    public void EveryReportedTransition_IsAnEvent_WithPriorityAndTheAgentsReason()
    {
        static VirtualIpStatus Status(params VirtualIpNodeStatus[] nodes) => new() { Nodes = [.. nodes] };
        static VirtualIpNodeStatus Node(string name, string state, int seconds, int effective = 100, string? why = null) =>
            new() { Name = name, State = state, Priority = 100, EffectivePriority = effective, LastTransitionTime = Now.AddSeconds(seconds), Message = why };

        var before = Status(Node("n1", "Master", 0), Node("n2", "Backup", 0));
        var failover = Status(Node("n1", "Fault", 5, effective: 0, why: "interface eth0 down"), Node("n2", "Master", 5, why: "master down timer expired"));
        Assert.Equal(
            [
                ("Warning", "Fault", "n1 went to fault (priority 100, effective 0): interface eth0 down"),
                ("Normal", "BecameMaster", "n2 became master (priority 100): master down timer expired"),
            ],
            StatusEvents.Between(before, failover).Where(e => e.Reason != "MasterChanged").Select(e => (e.Type, e.Reason, e.Message)));

        // A flap between two writes (Backup, then Master again) shows as a new transition time, and is told again.
        var flapped = Status(Node("n1", "Fault", 5, effective: 0, why: "interface eth0 down"), Node("n2", "Master", 9, why: "higher priority"));
        Assert.Equal(["BecameMaster"], StatusEvents.Between(failover, flapped).Select(e => e.Reason));

        // Back from Unknown with the same transition time: it did not move, nothing to tell.
        var unheard = Status(Node("n1", "Unknown", 5), Node("n2", "Master", 9));
        Assert.DoesNotContain(StatusEvents.Between(unheard, flapped), e => e.Reason != "MasterChanged");
        Assert.Empty(StatusEvents.Between(flapped, unheard));
    }
}
