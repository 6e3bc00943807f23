using System.Diagnostics;
using System.Net;
using KeepOperator.Api.Metrics;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Lab.Tests.Lab;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Issue 15's bad input on the wire: agents on n1 (master) and n2 (backup) run one VRRPv3 VIP at 50 ms adverts while
/// the client, as a foreign router, sends bursts of broken adverts for their VRID to 224.0.0.18 over a raw socket
/// (wrong checksum, one claiming priority 254 with a wrong checksum, priority 254 with TTL 64, versions and types that
/// do not exist, truncated and overlong messages, a wrong address count, a message shorter than the header) and
/// well-formed ones for a VRID nobody here runs. Every packet is counted under its reason on both agents, each reason
/// is logged once (not per packet), the unknown VRID is counted as unmatched and logged once as a foreign router, and
/// nothing changes: no transition, n1 keeps the VIP, the client's pings to it keep being answered, no agent exits.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class MalformedVrrpTests(ITestOutputHelper output)
{
    /// <summary>Packets of each kind, sent back to back: far more than one a second, so per-packet logging would show.</summary>
    private const int Burst = 20;

    private const byte ForeignVrid = 77;

    private readonly Scenario _scenario = new(output);

    [LabFact]
    public void Malformed_adverts_from_a_foreign_router_are_counted_logged_once_and_change_nothing()
    {
        var web = Variants.Spec(Variants.V3FiftyMs);
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var a1 = (AgentPeer)_scenario.StartFirstMaster(lab, PeerKind.Agent, n1, web);
        // n2 must be running its instance before anything is sent; a start-up blip on a loaded host is not what is tested here.
        var a2 = (AgentPeer)_scenario.StartBackup(lab, PeerKind.Agent, n2, web, a1, settled: true);
        var agents = new[] { a1, a2 };
        var transitionsBefore = agents.Select(a => a.Transitions.Count).ToArray();
        var unmatchedBefore = agents.Select(a => a.Metric(Unmatched) ?? 0).ToArray();

        // Bounded: one ping every 20 ms for at most 30 s.
        var prober = PingProbe.Start(lab, lab.Client, web.Vip, TimeSpan.FromSeconds(30));
        Thread.Sleep(TimeSpan.FromMilliseconds(300));

        var vrid = (byte)web.VirtualRouterId;
        var vip = IPAddress.Parse(web.Vip);
        var expected = new Dictionary<VrrpDropReason, int>();
        var sent = Stopwatch.StartNew();
        using (var foreign = new ForeignVrrpSender(lab.Client))
        {
            void Send(VrrpDropReason reason, byte[] message, int ttl = VrrpProtocol.RequiredTtl)
            {
                foreign.Send(message, Burst, ttl);
                expected[reason] = expected.GetValueOrDefault(reason) + Burst;
            }

            byte[] Advert(byte priority = 50) => foreign.Advert(vrid, priority, web.AdvertInterval, vip);

            Send(VrrpDropReason.Checksum, Flip(Advert(), 7));
            Send(VrrpDropReason.Checksum, Flip(Advert(254), 6));
            Send(VrrpDropReason.Ttl, Advert(254), ttl: 64);
            Send(VrrpDropReason.Version, foreign.Resum(With(Advert(254), 0, 0x41)));
            Send(VrrpDropReason.Type, foreign.Resum(With(Advert(254), 0, 0x32)));
            Send(VrrpDropReason.Length, Advert(254)[..10]);
            Send(VrrpDropReason.Length, foreign.Resum([.. Advert(254), 0, 0, 0]));
            Send(VrrpDropReason.Length, foreign.Resum(With(Advert(254), 3, 2)));
            Send(VrrpDropReason.TooShort, Advert(254)[..5]);
            foreign.Send(foreign.Advert(ForeignVrid, 254, web.AdvertInterval, vip), Burst);
        }

        sent.Stop();
        output.WriteLine($"MALFORMED: sent {expected.Values.Sum() + Burst} packets in {sent.ElapsedMilliseconds} ms from {lab.Client.IPv4}");
        // Each reason's packets went out well within a second, so once a second means exactly one line per reason.
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(1), $"sending took {sent.ElapsedMilliseconds} ms");

        foreach (var (agent, i) in agents.Select((a, i) => (a, i)))
        {
            foreach (var (reason, count) in expected)
            {
                var sample = Dropped + $"{{vip=\"{web.Name}\",reason=\"{MetricLabel.SnakeCase(reason)}\"}}";
                Assert.True(Wait.Until(() => agent.Metric(sample) == count, TimeSpan.FromSeconds(3)) is not null,
                    $"{agent}: {sample} is {agent.Metric(sample)}, expected {count}\n{agent.Describe()}");
            }

            Assert.True(Wait.Until(() => agent.Metric(Unmatched) - unmatchedBefore[i] == Burst, TimeSpan.FromSeconds(3)) is not null,
                $"{agent}: {Unmatched} grew by {agent.Metric(Unmatched) - unmatchedBefore[i]}, expected {Burst}");
        }

        Assert.True(Wait.HoldsFor(() => lab.Holders(web.Vip).SequenceEqual([n1]), TimeSpan.FromSeconds(1)), $"the VIP moved: [{string.Join(", ", lab.Holders(web.Vip).Select(n => n.Name))}]\n{Scenario.Describe(a1, a2)}");
        var (gap, replies, _) = prober.Stop();
        output.WriteLine($"MALFORMED: client pings: {replies} replies, longest gap {gap.TotalMilliseconds:0} ms");

        foreach (var agent in agents)
        {
            Assert.False(agent.HasExited, agent.Describe());
            foreach (var reason in expected.Keys)
            {
                Assert.Equal([1L], agent.DropTotals(reason.ToString()));
            }

            Assert.Equal(expected.Keys.Count, agent.EventsOf("drop").Count);
            Assert.Single(agent.EventsOf("foreign-router"), e => e.GetValueOrDefault("vrid") == $"{ForeignVrid}" && e.GetValueOrDefault("source") == lab.Client.IPv4);
            Assert.All(agent.EventsOf("drop"), e => Assert.Equal(lab.Client.IPv4, e.GetValueOrDefault("source")));
        }

        Assert.True(agents.Select(a => a.Transitions.Count).SequenceEqual(transitionsBefore), $"a transition happened\n{Scenario.Describe(a1, a2)}");
        Assert.True(replies > 20, $"the client's ping got only {replies} replies: {prober.Tail}");
        Assert.True(gap < TimeSpan.FromMilliseconds(500), $"the client went {gap.TotalMilliseconds:0} ms without a reply from the VIP");
    }

    private const string Dropped = MetricNames.VrrpPacketsDropped;

    private const string Unmatched = MetricNames.VrrpPacketsUnmatched + "{interface=\"eth0\"}";

    private static byte[] Flip(byte[] message, int at) => With(message, at, (byte)(message[at] ^ 0x5a));

    private static byte[] With(byte[] message, int at, byte value)
    {
        message[at] = value;
        return message;
    }
}
