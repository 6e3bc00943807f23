using System.Diagnostics;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Issue 14 in the lab, as a user drives it: the real kubectl applies a VirtualIpPool (VRRPv3, 50 ms adverts) and an
/// ordinary Service of type LoadBalancer; the operator gives it an address, the cluster-mode agents hold it, kubectl
/// shows the EXTERNAL-IP, the client curls it; kill -9 of the master's agent and the other node serves the same address.
/// The pool's default ipMode is VIP (kube-proxy forwards in a real cluster): here each node's own web server, bound
/// to every address, stands in for the Service's endpoints. The same failover with keepalived, in the same run.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class LoadBalancerServiceTests(ITestOutputHelper output)
{
    private const string Address = "10.77.0.240";
    private static readonly TimeSpan Advert = TimeSpan.FromMilliseconds(50);

    private const string PoolYaml = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIpPool
        metadata:
          name: lab
        spec:
          addresses: ["10.77.0.240-10.77.0.243"]
          virtualIp:
            advertInterval: 50ms
            interface: eth0
        """;

    private const string ServiceYaml = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: default
        spec:
          type: LoadBalancer
          loadBalancerClass: keepoperator.io/vrrp
          ports:
          - port: 8080
            protocol: TCP
        """;

    [LabFact]
    public void A_Service_of_type_LoadBalancer_gets_an_address_the_client_reaches_and_it_fails_over_at_VRRP_speed()
    {
        TimeSpan agentTook;
        using (var lab = LabNetwork.Create(2, output))
        {
            var cluster = EndToEndCluster.Start(lab);
            foreach (var node in lab.Nodes)
            {
                LabWebServer.Start(lab, node, "0.0.0.0", 8080);
            }

            var clock = Stopwatch.StartNew();
            cluster.Apply("pool", PoolYaml);
            cluster.Apply("service", ServiceYaml);
            var shown = Wait.Until(() => ExternalIp(cluster) == Address, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
            Assert.True(shown is not null, $"kubectl get svc web did not show EXTERNAL-IP {Address}: {cluster.Kubectl("get", "svc", "web").StdOut}\n{cluster.Describe()}");
            lab.Log($"apply -> EXTERNAL-IP {Address} shown after {clock.ElapsedMilliseconds} ms");
            var master = Assert.Single(lab.Holders(Address));
            var backup = lab.Nodes.Single(n => n != master);
            Assert.Equal(master.Name, Curl(lab));
            var events = cluster.KubectlCheck("get", "events", "-n", "default", "--field-selector", "involvedObject.name=web", "-o", "custom-columns=REASON:.reason,MESSAGE:.message", "--no-headers");
            Assert.Contains("IPAllocated", events, StringComparison.Ordinal);
            Assert.Contains($"node={master.Name}", events, StringComparison.Ordinal);
            lab.Log("pools: " + cluster.KubectlCheck("get", "virtualippools").Trim());

            Thread.Sleep(1000); // steady: the backup has heard a good many adverts
            Assert.Equal([master], lab.Holders(Address));
            using var watch = IpMonitor.Start(lab, backup);
            var killed = DateTime.UtcNow;
            var failover = Stopwatch.StartNew();
            cluster.Agent(master).Kill9();
            var took = watch.AddedAfter(killed, Address, TimeSpan.FromSeconds(5));
            Assert.True(took is not null, $"{backup.Name} did not take {Address} after kill -9 of {master.Name}'s agent\n{cluster.Describe()}");
            var served = Wait.UntilFrom(failover, () => Curl(lab) == backup.Name, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
            Assert.True(served is not null, $"the client was not served by {backup.Name} through {Address}\n{cluster.Describe()}");
            var moved = Wait.UntilFrom(failover, () => cluster.Status(VirtualIpName)?["master"]?.GetValue<string>() == backup.Name, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
            Assert.True(moved is not null, $"the Service's VirtualIp status did not move to {backup.Name}\n{cluster.Describe()}");
            Assert.Equal(Address, ExternalIp(cluster));
            agentTook = took.Value;
            lab.Log($"kill -9 {master.Name}'s agent -> {backup.Name} held {Address} after {Ms(took)}, the client was served by it after {Ms(served)}, kubectl showed it after {Ms(moved)}");
        }

        var keepalivedTook = KeepalivedFailover();
        var mdi = (3 * Advert) + (256 - 100) * Advert / 256;
        output.WriteLine(FormattableString.Invariant($"LB-FAILOVER v3 50ms: agent (Service of type LoadBalancer) {Ms(agentTook)}, keepalived {Ms(keepalivedTook)}, ratio {agentTook / keepalivedTook:0.00} (Master_Down_Interval {Ms(mdi)})"));
        Assert.True(agentTook <= mdi + TimeSpan.FromMilliseconds(150), $"the Service's address took {Ms(agentTook)} to fail over; Master_Down_Interval is {Ms(mdi)}");
        // The last advert went at most one interval before the kill: sooner than that, the backup did not wait for the master to be gone.
        Assert.True(agentTook >= mdi - Advert - TimeSpan.FromMilliseconds(30), $"the Service's address moved after only {Ms(agentTook)}, before Master_Down_Interval {Ms(mdi)} less one advert");
    }

    private const string VirtualIpName = "lb-10-77-0-240";

    /// <summary>The EndpointSlice of Service "web": one endpoint per (node, ready), as the EndpointSlice controller writes them.</summary>
    private static string Slice(params (LabNode Node, bool Ready)[] endpoints) => $"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-1
          namespace: default
          labels: {"{"}kubernetes.io/service-name: web{"}"}
        addressType: IPv4
        ports:
        - {"{"}port: 8080, protocol: TCP{"}"}
        endpoints:
        {string.Join("\n", endpoints.Select(e => $"- addresses: [{e.Node.IPv4}]\n  nodeName: {e.Node.Name}\n  conditions: {"{"}ready: {(e.Ready ? "true" : "false")}{"}"}"))}
        """;

    /// <summary>
    /// externalTrafficPolicy Local: the only ready endpoint is on n2, so n2 holds the address although n1 is the
    /// preferred master (raised above n2 were it eligible); the client reaches n2 and n2 sees the client's own address
    /// (nothing of ours translates it). Then n2's endpoint goes unready and one on n1 ready: the address moves to n1.
    /// </summary>
    [LabFact]
    public void With_externalTrafficPolicy_Local_the_node_with_the_ready_endpoint_holds_the_address_and_it_follows_the_endpoint()
    {
        using var lab = LabNetwork.Create(2, output);
        var cluster = EndToEndCluster.Start(lab);
        foreach (var node in lab.Nodes)
        {
            LabWebServer.Start(lab, node, "0.0.0.0", 8080);
        }
        LabNode n1 = lab.Node(1), n2 = lab.Node(2);

        cluster.Apply("pool", PoolYaml);
        cluster.Apply("slice", Slice((n2, true)));
        cluster.Apply("service", ServiceYaml.Replace("  type: LoadBalancer", "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector: {app: web}", StringComparison.Ordinal));
        Assert.True(Wait.Until(() => cluster.Kubectl("get", "vip", VirtualIpName).Ok, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50)) is not null, $"no VirtualIp for the Service\n{cluster.Describe()}");
        cluster.KubectlCheck("annotate", "vip", VirtualIpName, "keepoperator.io/preferred-master=" + n1.Name);
        var shown = Wait.Until(() => ExternalIp(cluster) == Address, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
        Assert.True(shown is not null, $"kubectl get svc web did not show EXTERNAL-IP {Address}\n{cluster.Describe()}");
        Assert.True(Wait.HoldsFor(() => lab.Holders(Address).SequenceEqual([n2]), TimeSpan.FromSeconds(1)), $"{n2.Name} alone should hold {Address}; holders: {string.Join(", ", lab.Holders(Address))}\n{cluster.Describe()}");
        Assert.Contains($"{n1.Name} is not a node this VirtualIp runs on", cluster.KubectlCheck("get", "vip", VirtualIpName, "-o", "jsonpath={.status.conditions[?(@.type==\"PreferredMaster\")].message}"), StringComparison.Ordinal);
        Assert.Equal(n2.Name, Curl(lab));
        Assert.Equal(lab.Client.IPv4, Curl(lab, LabWebServer.ClientPath));

        // Timed from just before kubectl apply (the API server, the operator, the agents and VRRP all count) to the
        // kernel's notice of the address on n1.
        using var watch = IpMonitor.Start(lab, n1);
        var applied = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        cluster.Apply("slice", Slice((n2, false), (n1, true)));
        var moved = watch.AddedAfter(applied, Address, TimeSpan.FromSeconds(5));
        Assert.True(moved is not null, $"{Address} did not move to {n1.Name}; holders: {string.Join(", ", lab.Holders(Address))}\n{cluster.Describe()}");
        Assert.True(Wait.UntilFrom(clock, () => lab.Holders(Address).SequenceEqual([n1]), TimeSpan.FromSeconds(5)) is not null, $"{n2.Name} still holds {Address}\n{cluster.Describe()}");
        var served = Wait.UntilFrom(clock, () => Curl(lab) == n1.Name, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        Assert.True(served is not null, $"the client was not served by {n1.Name}\n{cluster.Describe()}");
        Assert.Equal(lab.Client.IPv4, Curl(lab, LabWebServer.ClientPath));
        output.WriteLine(FormattableString.Invariant($"ETP-LOCAL moved in {moved.Value.TotalMilliseconds:0} ms (kubectl apply of the EndpointSlice -> {Address} on {n1.Name}'s eth0; the client served by it after {Ms(served)})"));
    }

    /// <summary>keepalived's takeover of the same address in the same settings (v3, 50 ms, both priority 100), kill -9 of its master.</summary>
    private TimeSpan KeepalivedFailover()
    {
        using var lab = LabNetwork.Create(2, output);
        var spec = new VipSpec("web", 40, 3, Advert, [Address], new Dictionary<string, int> { ["n1"] = 100, ["n2"] = 100 });
        var peers = lab.Nodes.Select(n => KeepalivedPeer.Start(lab, n, spec)).ToList();
        Assert.True(Wait.Until(() => lab.Holders(Address).Count == 1, TimeSpan.FromSeconds(5)) is not null, "no keepalived took the address");
        Thread.Sleep(500); // steady: the backup has heard a few adverts
        var master = lab.Holders(Address).Single();
        var backup = lab.Nodes.Single(n => n != master);
        using var watch = IpMonitor.Start(lab, backup);
        var killed = DateTime.UtcNow;
        peers.Single(p => p.Node == master).Kill9();
        var took = watch.AddedAfter(killed, Address, TimeSpan.FromSeconds(5));
        Assert.True(took is not null, "keepalived's backup never took the address");
        lab.Log($"keepalived: kill -9 on {master.Name} -> {backup.Name} held {Address} after {Ms(took)}");
        return took.Value;
    }

    private static string? ExternalIp(EndToEndCluster cluster) =>
        cluster.Kubectl("get", "svc", "web", "-n", "default", "--no-headers") is { Ok: true } r && r.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 3 } cells ? cells[3] : null;

    private static string? Curl(LabNetwork lab, string path = "/") =>
        Sh.Run("ip", "netns", "exec", lab.Client.Namespace, "curl", "-s", "--max-time", "1", $"http://{Address}:8080{path}") is { Ok: true } r ? r.StdOut.Trim() : null;

    private static string Ms(TimeSpan? t) => Scenario.Ms(t);
}
