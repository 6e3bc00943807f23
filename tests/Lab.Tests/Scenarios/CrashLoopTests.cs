using System.Diagnostics;
using System.Text.Json.Nodes;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Issue 15's agent crash loop: the whole system (<see cref="EndToEndCluster"/>: n1 at 100, n2 at 90, preempt, 1 s
/// adverts) with a VirtualServer on the VIP (NAT over two 'pods', nftables, as this kernel has no IPVS), and the agent
/// holding the VIP killed with kill -9 ten times in a row, each time restarted at once as its DaemonSet would. After
/// each round, once settled: one node holds the VIP (ip addr on both eth0s), the client is served through it, each
/// node's nftables ruleset is exactly what it was before the first kill (no leftover or doubled table, chain, rule,
/// map or element of the killed runs), and at the end the VirtualIp's Events stay within the operator's spam filter.
/// A client pings the VIP every 20 ms throughout; the longest gap between replies is reported and bounded.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class CrashLoopTests(ITestOutputHelper output)
{
    private const string Vip = "10.77.0.250";
    private const int Kills = 10;

    // Master_Down_Interval (about 3.6 s at 1 s adverts) for the takeover and again for n1's preemption once back, the
    // agent's start-up, and slack for a busy machine.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    // The longest the client may go unanswered: one Master_Down_Interval (3.61 s at priority 100), what the backup
    // would wait without the restarted agent's priority-0 advert for its killed predecessor; with it, the restart
    // time plus Skew_Time (under a second here).
    private static readonly TimeSpan LongestGapAllowed = TimeSpan.FromMilliseconds(3610);

    // The operator's EventCorrelator, as client-go's recorder: 25 Events (new or repeated) per object at once, then
    // one per 5 minutes. Each round moves the master twice (to n2, back to n1): some five Events a round unfiltered.
    private const int EventBurst = 25;
    private static readonly TimeSpan EventRefill = TimeSpan.FromMinutes(5);

    [VirtualServerLabFact]
    public void Ten_kill_9s_of_the_master_agent_leave_one_holder_the_same_nftables_objects_and_bounded_events()
    {
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        PodHosts.AddWithWebServers(lab);

        var clock = Stopwatch.StartNew();
        var cluster = EndToEndCluster.Start(lab);
        cluster.Apply("web", EndToEndCluster.VirtualIp("web", Vip, 51, 100));
        cluster.Apply("web-80", PodHosts.WebVirtualServerYaml);
        AssertRoundSettled(lab, cluster, n1, n2, "before the first kill");
        var baseline = lab.Nodes.ToDictionary(n => n, NftRuleset.Of);
        foreach (var (node, ruleset) in baseline)
        {
            AssertOneCopy(node, ruleset);
        }

        var prober = PingProbe.Start(lab, lab.Client, Vip, (Kills * Settle) + TimeSpan.FromMinutes(1));
        for (var round = 1; round <= Kills; round++)
        {
            var holder = Assert.Single(lab.Holders(Vip));
            cluster.Agent(holder).Kill9();
            cluster.StartAgent(holder);
            var other = lab.Nodes.Single(n => n != holder);
            lab.Log($"round {round}: kill -9 and restart of {holder.Name}'s agent");
            // n1 (100, preempt) takes the VIP back each time: the killed holder is always n1.
            AssertRoundSettled(lab, cluster, n1, n2, $"after kill {round} of {holder.Name}'s agent");
            foreach (var node in lab.Nodes)
            {
                var now = NftRuleset.Of(node);
                Assert.True(now.Lines.SequenceEqual(baseline[node].Lines),
                    $"after kill {round}, {node.Name}'s nftables ruleset differs from before the first kill\nbefore:\n{baseline[node]}\nnow:\n{now}");
            }

            Assert.False(cluster.Agent(other).HasExited, cluster.Describe());
        }

        var (gap, replies, at) = prober.Stop();
        Assert.True(replies > 0, $"the client's ping got no reply: {prober.Tail}");
        Assert.True(gap <= LongestGapAllowed, $"the client went {gap.TotalMilliseconds:0} ms without a reply (ending {at:HH:mm:ss.fff} UTC), more than {LongestGapAllowed.TotalMilliseconds:0} ms");

        // Every Event write (a new Event or a repeat's count) takes a token from the VirtualIp's bucket.
        var events = cluster.KubectlCheck("get", "events", "-n", "default", "--field-selector", "involvedObject.name=web", "-o", "json");
        var items = JsonNode.Parse(events)!["items"]!.AsArray();
        var recorded = items.Sum(e => e?["count"]?.GetValue<int>() ?? 1);
        var bound = EventBurst + (int)Math.Ceiling(clock.Elapsed / EventRefill);
        lab.Log("events on web: " + string.Join("; ", items.Select(e => $"{e?["reason"]} x{e?["count"]}: {e?["message"]}")));
        output.WriteLine($"CRASH-LOOP: {Kills} kills, longest VIP gap {gap.TotalMilliseconds:0} ms (ending {at:HH:mm:ss.fff} UTC), events {recorded} in {items.Count} objects (bound {bound}), {replies} ping replies");
        Assert.True(recorded <= bound, $"{recorded} Events recorded on the VirtualIp in {clock.Elapsed.TotalSeconds:0} s, more than the spam filter's {bound}:\n{events}");
    }

    /// <summary>
    /// The agent now running on <paramref name="master"/> became master (the killed one's stale VIP and status do not
    /// count), kubectl shows it MASTER with <paramref name="backup"/> a backup and READY, its eth0 is the only one with
    /// the VIP, and the client is served through it.
    /// </summary>
    private static void AssertRoundSettled(LabNetwork lab, EndToEndCluster cluster, LabNode master, LabNode backup, string when)
    {
        var took = Wait.Until(() => cluster.Agent(master).MasterEntries > 0 && cluster.Settled("web", Vip, master, backup), Settle, TimeSpan.FromMilliseconds(100));
        Assert.True(took is not null,
            $"{when}: not settled within {Settle.TotalSeconds:0} s (holders: {string.Join(", ", lab.Holders(Vip).Select(n => n.Name))})\n{cluster.Describe()}");
        var served = Wait.Until(() => Sh.Run("ip", "netns", "exec", lab.Client.Namespace, "curl", "-s", "--max-time", "1", $"http://{Vip}/") is { Ok: true } r
            && r.StdOut.Trim() is "pod1" or "pod2", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        Assert.True(served is not null, $"{when}: the client is not served through {Vip}\n{cluster.Describe()}");
        Assert.Equal([master], lab.Holders(Vip));
        Assert.Single(lab.Addresses(master), a => LabNetwork.Bare(a) == Vip);
        lab.Log($"{when}: settled in {took?.TotalMilliseconds:0} ms, served {served?.TotalMilliseconds:0} ms later");
    }

    /// <summary>Only the agent's table, each object once, the backends map holding each real server once.</summary>
    private static void AssertOneCopy(LabNode node, NftRuleset ruleset)
    {
        var table = Assert.Single(ruleset.OfKind("table"));
        Assert.Equal(("inet", "keepoperator"), (table["family"]?.GetValue<string>(), table["name"]?.GetValue<string>()));
        Assert.True(ruleset.Duplicates.Count == 0, $"{node.Name}'s ruleset holds duplicates:\n{string.Join('\n', ruleset.Duplicates)}");
        var chains = ruleset.OfKind("chain").Select(c => c["name"]!.GetValue<string>()).ToList();
        Assert.Equal(chains.Distinct().Count(), chains.Count);
        var backends = Assert.Single(ruleset.OfKind("map"), m => m["name"]!.GetValue<string>().EndsWith("_backends", StringComparison.Ordinal));
        var elements = backends["elem"]!.AsArray().Select(e => e!.ToJsonString()).ToList();
        Assert.Equal(2, elements.Count);
        Assert.Equal(elements.Distinct().Count(), elements.Count);
        Assert.Contains("10.77.0.21", backends.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("10.77.0.22", backends.ToJsonString(), StringComparison.Ordinal);
    }
}
