using System.Diagnostics;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// The whole system (<see cref="EndToEndCluster"/>: n1 at 100, n2 at 90, preempt) with one of its processes killed in
/// the middle: the operator, the master's agent, the API server. Each time nothing is lost, no VIP ends up on two
/// nodes (eth0 of both, by <c>ip addr</c>) once settled, and kubectl's status converges on what the nodes do.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class RestartTests(ITestOutputHelper output)
{
    private const string Web = "10.77.0.250";
    private const string Db = "10.77.0.251";
    private const string Lease = "keepoperator-leader";

    // The operator's defaults: a Lease lasts 15 s from when the standby first saw its last renewal, and the standby
    // retries every 2 s (with jitter); its own start takes a few seconds on a busy machine.
    private static readonly TimeSpan LeaseTakeover = TimeSpan.FromSeconds(30);

    // Master_Down_Interval (about 3.6 s at 1 s adverts), the operator's and agents' reaction, and slack for a busy machine.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    [LabFact]
    public void Operator_killed_then_restarted_then_replaced_by_a_standby_loses_nothing()
    {
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var cluster = EndToEndCluster.Start(lab, operatorIdentity: "op-1");
        cluster.Apply("web", EndToEndCluster.VirtualIp("web", Web, 51, 100));
        AssertSettles(lab, cluster, "web", Web, n1, n2, Settle);

        // No operator: a VirtualIp applied now waits for one, and VRRP carries on untouched.
        cluster.Operators.Single().Kill();
        cluster.Apply("db", EndToEndCluster.VirtualIp("db", Db, 52, 100));
        Assert.True(Wait.HoldsFor(() => lab.Holders(Web).SequenceEqual([n1]) && lab.Holders(Db).Count == 0, TimeSpan.FromSeconds(3)),
            "the VIPs changed while no operator ran\n" + cluster.Describe());

        // The same replica restarting (a container restarted in its pod keeps its identity) holds the Lease already.
        var restarted = cluster.StartOperator("op-1");
        AssertSettles(lab, cluster, "db", Db, n1, n2, Settle);
        Assert.True(cluster.Settled("web", Web, n1, n2), "web moved when the operator restarted\n" + cluster.Describe());
        Assert.Equal("op-1", LeaseHolder(cluster));

        // A standby replica; the leader dies; the standby takes the Lease once it expires and carries on from there.
        var standby = cluster.StartOperator("op-2");
        restarted.Kill();
        var killed = Stopwatch.StartNew();
        cluster.KubectlCheck("annotate", "vip", "db", "keepoperator.io/preferred-master=n2");
        var takeover = Wait.Until(() => LeaseHolder(cluster) == "op-2", LeaseTakeover, TimeSpan.FromMilliseconds(200));
        Assert.True(takeover is not null, $"op-2 did not take the Lease within {LeaseTakeover.TotalSeconds:0} s\n" + cluster.Describe());
        lab.Log($"op-2 took the Lease {killed.ElapsedMilliseconds} ms after op-1's kill -9");
        AssertSettles(lab, cluster, "db", Db, n2, n1, Settle);
        Assert.True(cluster.Settled("web", Web, n1, n2), "web moved when the standby took over\n" + cluster.Describe());
        Assert.False(standby.HasExited, cluster.Describe());
    }

    [LabFact]
    public void Master_agent_killed_and_restarted_removes_its_stale_vip_and_takes_back_over()
    {
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var cluster = EndToEndCluster.Start(lab);
        cluster.Apply("web", EndToEndCluster.VirtualIp("web", Web, 51, 100));
        AssertSettles(lab, cluster, "web", Web, n1, n2, Settle);

        // kill -9 leaves the VIP on n1's eth0 (nothing removes it) while n2 takes over.
        var backup = cluster.Agent(n2);
        var (entries, exits) = (backup.MasterEntries, backup.MasterExits); // the first election may have had n2 master for an instant
        cluster.Agent(n1).Kill9();
        var failover = Wait.Until(() => cluster.Row("web") is { } r && r["MASTER"] == "n2", Settle, TimeSpan.FromMilliseconds(100));
        Assert.True(failover is not null, "kubectl did not show n2 as master after n1's kill -9\n" + cluster.Describe());
        Assert.Equal([n1, n2], lab.Holders(Web));

        // The new agent removes its predecessor's address when it starts the instance, before its own election ends
        // (Master_Down_Interval), so for a while only n2 holds the VIP; then n1 (100 > 90, preempt) takes it back.
        var restarted = cluster.StartAgent(n1);
        var cleaned = Wait.Until(() => lab.Holders(Web).SequenceEqual([n2]), TimeSpan.FromSeconds(10));
        Assert.True(cleaned is not null, "the restarted agent did not remove the stale VIP before taking over\n" + cluster.Describe());
        lab.Log($"stale VIP removed {restarted.Process.Started.ElapsedMilliseconds} ms after the restart");
        Assert.Contains(restarted.Events, e => e.GetValueOrDefault("event") == "stale-address-removed" && e.GetValueOrDefault("instance") == "web");
        AssertSettles(lab, cluster, "web", Web, n1, n2, Settle);
        Assert.True(Wait.HoldsFor(() => cluster.Settled("web", Web, n1, n2), TimeSpan.FromSeconds(3)), "web did not stay settled\n" + cluster.Describe());
        Assert.Equal((entries + 1, exits + 1), (backup.MasterEntries, backup.MasterExits));
    }

    [LabFact]
    public void Api_server_killed_and_restarted_vrrp_holds_through_the_outage_and_everything_reconnects()
    {
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var cluster = EndToEndCluster.Start(lab);
        cluster.Apply("web", EndToEndCluster.VirtualIp("web", Web, 51, 100));
        AssertSettles(lab, cluster, "web", Web, n1, n2, Settle);
        var objects = Uids(cluster);

        // No API server: the VIP stays on n1, and only there, the whole time; nobody gives up.
        cluster.Api.Kill9();
        Assert.True(Wait.HoldsFor(() => lab.Holders(Web).SequenceEqual([n1]), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)),
            "the VIP moved while the API server was down\n" + cluster.Describe());
        Assert.False(cluster.Agent(n1).HasExited || cluster.Agent(n2).HasExited || cluster.Operators.Single().HasExited, cluster.Describe());

        // Back on the same address with its data file: the same objects (same uids).
        cluster.Api.Restart();
        var back = DateTimeOffset.UtcNow;
        Assert.Equal(objects, Uids(cluster));

        // Operator and agents watch again: a change made now goes the whole way round.
        cluster.KubectlCheck("annotate", "vip", "web", "keepoperator.io/preferred-master=n2");
        AssertSettles(lab, cluster, "web", Web, n2, n1, TimeSpan.FromSeconds(30));
        Assert.True(cluster.Heartbeat("n1") > back && cluster.Heartbeat("n2") > back, "an agent did not report after the API server returned\n" + cluster.Describe());
    }

    private static void AssertSettles(LabNetwork lab, EndToEndCluster cluster, string virtualIp, string address, LabNode master, LabNode backup, TimeSpan within)
    {
        var took = Wait.Until(() => cluster.Settled(virtualIp, address, master, backup), within, TimeSpan.FromMilliseconds(100));
        Assert.True(took is not null,
            $"{virtualIp} did not settle within {within.TotalSeconds:0} s: MASTER {master.Name}, {backup.Name} a backup, READY, {address} on {master.Name} only "
            + $"(holders: {string.Join(", ", lab.Holders(address).Select(n => n.Name))})\n" + cluster.Describe());
        lab.Log($"{virtualIp} settled on {master.Name} in {took?.TotalMilliseconds:0} ms");
    }

    private static string? LeaseHolder(EndToEndCluster cluster)
    {
        var r = cluster.Kubectl("get", "lease", Lease, "-n", "default", "-o", "jsonpath={.spec.holderIdentity}");
        return r.Ok ? r.StdOut : null;
    }

    /// <summary>kind/name=uid of everything the test and the operator created.</summary>
    private static string Uids(EndToEndCluster cluster) => cluster.KubectlCheck(
        "get", "-n", "default", "virtualip/web", "node/n1", "node/n2", "nodeagentconfig/n1", "nodeagentconfig/n2", "secret/vrrp", "lease/" + Lease,
        "-o", """jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.uid}{"\n"}{end}""");
}
