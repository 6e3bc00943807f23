using System.Diagnostics;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Issue 13 on a namespaced lab: spec.trackInterfaces (a veth "uplink" inside each node) and spec.syncGroup, agents on
/// n1 (priority 100) and n2 (90), VRRPv3 at 50 ms. Figures printed as SYNC-GROUP and TRACK-INTERFACE lines.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class SyncGroupTests(ITestOutputHelper output)
{
    private const string Uplink = "uplink";

    /// <summary>Generous for a loaded 2-core host; the figure printed is what counts.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    private static VipSpec Outside => Variants.Spec(Variants.V3FiftyMs, name: "outside", vrid: 51);

    private static VipSpec Inside => Variants.Spec(Variants.V3FiftyMs, name: "inside", vrid: 52) with { Addresses = ["10.77.0.251"] };

    /// <summary>
    /// Only "outside" tracks the uplink (weight 0); "inside" tracks nothing. The uplink going down on n1 faults
    /// outside there, the group rule holds inside in FAULT with it, and n2 takes both; the uplink back, n1 preempts both.
    /// With keepalived on one side (the same vrrp_sync_group and track_interface), for interop and comparison.
    /// </summary>
    [LabTheory]
    [InlineData(PeerKind.Agent, PeerKind.Agent)]
    [InlineData(PeerKind.Agent, PeerKind.Keepalived)]
    [InlineData(PeerKind.Keepalived, PeerKind.Agent)]
    public void The_uplink_going_down_on_the_master_moves_the_whole_sync_group(PeerKind onN1, PeerKind onN2)
    {
        var outside = Outside with { TrackInterface = new TrackedInterface(Uplink, 0), SyncGroup = "router" };
        var inside = Inside with { SyncGroup = "router" };
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        lab.AddLink(n1, Uplink);
        lab.AddLink(n2, Uplink);
        var p1 = Scenario.Start(onN1, lab, n1, outside, inside);
        Assert.True(Wait.Until(() => Holds(lab, n1, outside, inside), TimeSpan.FromSeconds(5)) is not null, $"n1 never held both VIPs\n{Scenario.Describe(p1)}");
        var p2 = Scenario.Start(onN2, lab, n2, outside, inside);
        Assert.True(Wait.HoldsFor(() => Holds(lab, n1, outside, inside) && HoldsNone(lab, n2, outside, inside), TimeSpan.FromSeconds(1)), $"the group was not steady on n1\n{Scenario.Describe(p1, p2)}");

        var (released, tookOutside, tookInside) = Move(lab, n1, n2, outside, inside, () => lab.SetInterface(n1, Uplink, up: false));
        Log(lab, $"SYNC-GROUP {p1.Kind} n1 -> {p2.Kind} n2, uplink down on n1 ({Variants.V3FiftyMs}, Master_Down_Interval {Scenario.Ms(outside.MasterDownInterval(90))}): " +
            $"n1 released both after {Scenario.Ms(released)}; n2 held outside after {Scenario.Ms(tookOutside)}, inside after {Scenario.Ms(tookInside)}");
        Assert.True(tookOutside is not null && tookInside is not null, $"n2 did not take the whole group\n{Scenario.Describe(p1, p2)}");
        Assert.True(released is not null, $"n1 kept a VIP of the group\n{Scenario.Describe(p1, p2)}");
        Assert.True(tookOutside < Bound && tookInside < Bound, $"the group took {Scenario.Ms(tookOutside)} / {Scenario.Ms(tookInside)} to move");
        if (p2 is AgentPeer a2)
        {
            Wait.Until(() => a2.Transitions.Count(t => t.GetValueOrDefault("to") == "Master") >= 2, TimeSpan.FromSeconds(2));
            Log(lab, "SYNC-GROUP n2 agent took over because: " + string.Join(", ", a2.Transitions.Where(t => t.GetValueOrDefault("to") == "Master").Select(t => $"{t.GetValueOrDefault("instance")} {t.GetValueOrDefault("reason")}")));
        }

        if (p1 is AgentPeer a1)
        {
            Assert.True(Wait.Until(() => Faulted(a1, "outside", "tracked interface down (weight 0)") && Faulted(a1, "inside", "sync group member in fault"), TimeSpan.FromSeconds(2)) is not null,
                $"n1 did not log outside FAULT by its uplink and inside FAULT by the group\n{a1.Describe()}");
        }

        var (_, backOutside, backInside) = Move(lab, n2, n1, outside, inside, () => lab.SetInterface(n1, Uplink, up: true));
        Log(lab, $"SYNC-GROUP {p1.Kind} n1, uplink up again: n1 preempted outside after {Scenario.Ms(backOutside)}, inside after {Scenario.Ms(backInside)}");
        Assert.True(backOutside is not null && backInside is not null, $"n1 did not take the group back\n{Scenario.Describe(p1, p2)}");
    }

    /// <summary>
    /// keepalived's track_interface with a weight: the uplink down on n1 takes its priority from 100 to 60, below n2's
    /// 90, so n2 preempts (no FAULT anywhere); the uplink back, n1 preempts again.
    /// </summary>
    [LabFact]
    public void A_weighted_uplink_going_down_lowers_the_master_below_the_backup()
    {
        var web = Outside with { TrackInterface = new TrackedInterface(Uplink, -40) };
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        lab.AddLink(n1, Uplink);
        lab.AddLink(n2, Uplink);
        var a1 = AgentPeer.Start(lab, n1, web);
        Assert.True(Wait.Until(() => lab.HasAddress(n1, web.Vip), TimeSpan.FromSeconds(5)) is not null, $"n1 never held the VIP\n{a1.Describe()}");
        var a2 = AgentPeer.Start(lab, n2, web);
        Assert.True(Wait.HoldsFor(() => lab.HasAddress(n1, web.Vip) && !lab.HasAddress(n2, web.Vip), TimeSpan.FromSeconds(1)), $"n1 was not a steady master\n{a1.Describe()}\n{a2.Describe()}");

        var sw = Stopwatch.StartNew();
        lab.SetInterface(n1, Uplink, up: false);
        var took = Wait.UntilFrom(sw, () => lab.HasAddress(n2, web.Vip) && !lab.HasAddress(n1, web.Vip), Bound + TimeSpan.FromSeconds(2));
        Log(lab, $"TRACK-INTERFACE uplink weight -40 down on n1 (100 -> 60 < 90, {Variants.V3FiftyMs}): n2 held the VIP alone after {Scenario.Ms(took)}");
        Assert.True(took is not null, $"n2 did not preempt n1 at 60\n{a1.Describe()}\n{a2.Describe()}");
        Assert.True(took < Bound, $"the preemption took {Scenario.Ms(took)}");
        // The log line may trail the address change by a moment.
        Assert.True(Wait.Until(() => a1.Transitions.Any(t => t.GetValueOrDefault("from") == "Master" && t.GetValueOrDefault("to") == "Backup"), TimeSpan.FromSeconds(2)) is not null, $"n1 did not log Master -> Backup\n{a1.Describe()}");
        Assert.DoesNotContain(a1.Transitions, t => t.GetValueOrDefault("to") == "Fault");

        sw.Restart();
        lab.SetInterface(n1, Uplink, up: true);
        var back = Wait.UntilFrom(sw, () => lab.HasAddress(n1, web.Vip) && !lab.HasAddress(n2, web.Vip), Bound + TimeSpan.FromSeconds(2));
        Log(lab, $"TRACK-INTERFACE uplink up on n1 (back to 100): n1 held the VIP alone after {Scenario.Ms(back)}");
        Assert.True(back is not null, $"n1 did not preempt once its uplink was back\n{a1.Describe()}\n{a2.Describe()}");
    }

    /// <summary>Runs <paramref name="act"/>, then times when <paramref name="from"/> holds neither VIP and when <paramref name="to"/> holds each.</summary>
    private static (TimeSpan? Released, TimeSpan? First, TimeSpan? Second) Move(LabNetwork lab, LabNode from, LabNode to, VipSpec first, VipSpec second, Action act)
    {
        TimeSpan? released = null, tookFirst = null, tookSecond = null;
        var sw = Stopwatch.StartNew();
        act();
        Wait.UntilFrom(
            sw,
            () =>
            {
                released ??= HoldsNone(lab, from, first, second) ? sw.Elapsed : null;
                tookFirst ??= lab.HasAddress(to, first.Vip) ? sw.Elapsed : null;
                tookSecond ??= lab.HasAddress(to, second.Vip) ? sw.Elapsed : null;
                return released is not null && tookFirst is not null && tookSecond is not null;
            },
            Bound + TimeSpan.FromSeconds(2));
        return (released, tookFirst, tookSecond);
    }

    private static bool Faulted(AgentPeer agent, string instance, string reason) =>
        agent.Transitions.Any(t => t.GetValueOrDefault("instance") == instance && t.GetValueOrDefault("to") == "Fault" && t.GetValueOrDefault("reason") == reason);

    private static bool Holds(LabNetwork lab, LabNode node, params VipSpec[] specs) => specs.All(s => lab.HasAddress(node, s.Vip));

    private static bool HoldsNone(LabNetwork lab, LabNode node, params VipSpec[] specs) => !specs.Any(s => lab.HasAddress(node, s.Vip));

    private void Log(LabNetwork lab, string line)
    {
        lab.Log(line);
        output.WriteLine(line);
    }
}
