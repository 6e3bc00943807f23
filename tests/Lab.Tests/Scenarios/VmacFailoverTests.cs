using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// VMAC (keepalived's use_vmac, issue 13): the master holds the VIP on a macvlan with MAC 00:00:5e:00:01:VRID, so the
/// client's neighbour entry for the VIP stays right across a failover. n1's switch port goes down (the node is cut
/// off), n2 takes over; the client's entry must keep the same MAC and the client keep reaching the VIP, which only n2
/// can answer then. Prints how long the takeover took and how many of the client's pings (every 20 ms) went unanswered.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed partial class VmacFailoverTests(ITestOutputHelper output)
{
    private const string Vmac = "vrrp.51";
    private const string VmacAddress = "00:00:5e:00:01:33"; // VRID 51

    [LabFact]
    public void Agent_pair_fails_over_on_the_vmac_and_a_kill9_leftover_is_replaced()
    {
        using var lab = LabNetwork.Create(2, output);
        var spec = Variants.Spec(Variants.V3FiftyMs) with { Vmac = Vmac };
        var (m, b) = FailOver(lab, spec, PeerKind.Agent, PeerKind.Agent);

        // n1 back: it preempts (100 > 90) on its VMAC; the client's entry still does not change.
        var n1 = lab.Node(1);
        lab.SetLink(n1, up: true, carrierOnly: true);
        Assert.True(Wait.Until(() => lab.Holders(spec.Vip, Vmac).SequenceEqual([n1]), TimeSpan.FromSeconds(5)) is not null,
            $"n1 did not take the VIP back on {Vmac}\n{Scenario.Describe(m, b)}");
        AssertClientReaches(lab, spec, m, b);

        // kill -9 leaves n1's macvlan with the VIP; a restart replaces it (a new ifindex) and n1 is master again.
        var leftover = LinkIndex(lab, n1);
        m.Kill9();
        Assert.True(Wait.Until(() => lab.HasAddress(lab.Node(2), spec.Vip, Vmac), TimeSpan.FromSeconds(3)) is not null, $"n2 did not take over after kill -9\n{Scenario.Describe(m, b)}");
        var r = Scenario.Start(PeerKind.Agent, lab, n1, spec);
        var back = Wait.Until(() => lab.Holders(spec.Vip, Vmac).SequenceEqual([n1]) && LinkIndex(lab, n1) != leftover, TimeSpan.FromSeconds(8));
        Assert.True(back is not null, $"the restarted agent did not hold the VIP on a new {Vmac} (leftover ifindex {leftover}, now {LinkIndex(lab, n1)})\n{Scenario.Describe(r, b)}");
        AssertClientReaches(lab, spec, r, b);

        // SIGTERM removes the macvlan.
        r.Term();
        Assert.True(r.WaitForExit(TimeSpan.FromSeconds(5)), $"{r} did not exit on SIGTERM");
        Assert.Null(LinkIndex(lab, n1));
    }

    [LabFact]
    public void Agent_master_keepalived_backup_share_the_vmac()
    {
        using var lab = LabNetwork.Create(2, output);
        FailOver(lab, Variants.Spec(Variants.V3FiftyMs) with { Vmac = Vmac }, PeerKind.Agent, PeerKind.Keepalived);
    }

    [LabFact]
    public void Keepalived_master_agent_backup_share_the_vmac()
    {
        using var lab = LabNetwork.Create(2, output);
        FailOver(lab, Variants.Spec(Variants.V3FiftyMs) with { Vmac = Vmac }, PeerKind.Keepalived, PeerKind.Agent);
    }

    private (IVrrpPeer Master, IVrrpPeer Backup) FailOver(LabNetwork lab, VipSpec spec, PeerKind master, PeerKind backup)
    {
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        foreach (var (node, kind) in new[] { (n1, master), (n2, backup) }.Where(p => p.Item2 == PeerKind.Keepalived))
        {
            // keepalived leaves arp_announce at 0: the ARP requests its node sends to answer the client from the VIP
            // (out of eth0, the route) then carry the VIP with eth0's MAC and repoint the client. The agent sets it.
            Sh.Check("ip", "netns", "exec", node.Namespace, "sysctl", "-qw", "net.ipv4.conf.eth0.arp_announce=2");
        }

        var m = Scenario.Start(master, lab, n1, spec);
        Assert.True(Wait.Until(() => lab.HasAddress(n1, spec.Vip, Vmac) || m.HasExited, TimeSpan.FromSeconds(6)) is not null && !m.HasExited,
            $"{m} did not hold the VIP on {Vmac}\n{Scenario.Describe(m)}");
        Assert.False(lab.HasAddress(n1, spec.Vip), "the VIP is on eth0 too");
        var b = Scenario.Start(backup, lab, n2, spec);
        Assert.True(Wait.Until(() => LinkIndex(lab, n2) is not null || b.HasExited, TimeSpan.FromSeconds(5)) is not null && !b.HasExited, $"{b} made no {Vmac}\n{Scenario.Describe(m, b)}");
        var steady = Wait.HoldsFor(() => lab.Holders(spec.Vip, Vmac).SequenceEqual([n1]) && !m.HasExited && !b.HasExited, TimeSpan.FromSeconds(2));
        Assert.True(steady, $"the VIP did not stay on n1's {Vmac} alone\n{Scenario.Describe(m, b)}");
        if (backup == PeerKind.Agent)
        {
            // Same MAC on both nodes: a backup's macvlan must stay down (keepalived keeps its own up, silent).
            Assert.Contains("state DOWN", Sh.Check("ip", "-n", n2.Namespace, "link", "show", Vmac), StringComparison.Ordinal);
        }

        AssertClientReaches(lab, spec, m, b);
        Assert.NotEqual(VmacAddress, lab.NeighborMac(lab.Client, n1.IPv4)); // n1's own address keeps n1's own MAC

        var pings = lab.Start(lab.Client, lab.UniqueName("ping"), "ping", ["-4", "-n", "-i", "0.02", "-c", "250", spec.Vip]);
        Thread.Sleep(500);
        var mdi = spec.MasterDownInterval(spec.PriorityOf(n2.Name));
        var sw = Stopwatch.StartNew();
        lab.SetLink(n1, up: false, carrierOnly: true);
        var took = Wait.UntilFrom(sw, () => lab.HasAddress(n2, spec.Vip, Vmac), mdi + Scenario.Margin(spec) + TimeSpan.FromSeconds(1));
        Assert.True(took is not null, $"{b} did not take the VIP on {Vmac} after n1 was cut off\n{Scenario.Describe(m, b)}");
        var neighbour = lab.NeighborMac(lab.Client, spec.Vip);
        Assert.True(neighbour == VmacAddress, $"right after the failover the client's neighbour entry for {spec.Vip} is {neighbour}, not {VmacAddress}");
        Assert.True(pings.WaitForExit(TimeSpan.FromSeconds(10)), "the client's ping did not finish");
        var (sent, received) = PingCounts(pings);
        AssertClientReaches(lab, spec, m, b);
        output.WriteLine(FormattableString.Invariant(
            $"FAILOVER vmac {Variants.V3FiftyMs}: {m.Kind} master cut off -> {b.Kind} backup holds the VIP on {Vmac} after {Scenario.Ms(took)} (Master_Down_Interval {Scenario.Ms(mdi)}); client neighbour entry {neighbour} before and after; client pings every 20 ms: {sent - received} of {sent} lost"));
        Assert.True(received > 0 && received < sent, $"the client's pings: {received} of {sent} answered, expected a gap and then answers");
        return (m, b);
    }

    /// <summary>The client pings the VIP (only the master can answer) and its neighbour entry is the VMAC.</summary>
    private static void AssertClientReaches(LabNetwork lab, VipSpec spec, IVrrpPeer m, IVrrpPeer b)
    {
        Assert.True(lab.Ping(lab.Client, spec.Vip), $"the client cannot ping {spec.Vip}\n{Scenario.Describe(m, b)}");
        var neighbour = lab.NeighborMac(lab.Client, spec.Vip);
        Assert.True(neighbour == VmacAddress, $"the client's neighbour entry for {spec.Vip} is {neighbour}, not {VmacAddress}\n{Sh.Run("ip", "-n", lab.Client.Namespace, "neigh").StdOut}\n{Scenario.Describe(m, b)}");
    }

    private static int? LinkIndex(LabNetwork lab, LabNode node)
    {
        var r = Sh.Run("ip", "-n", node.Namespace, "-o", "link", "show", Vmac);
        return r.Ok ? int.Parse(r.StdOut.Split(':')[0], CultureInfo.InvariantCulture) : null;
    }

    private static (int Sent, int Received) PingCounts(LabProcess ping)
    {
        var summary = ping.AllLines.Select(l => PingSummary().Match(l)).FirstOrDefault(m => m.Success)
            ?? throw new InvalidOperationException("no ping summary in:\n" + string.Join('\n', ping.AllLines));
        return (int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(summary.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"(\d+) packets transmitted, (\d+) received")]
    private static partial Regex PingSummary();
}
