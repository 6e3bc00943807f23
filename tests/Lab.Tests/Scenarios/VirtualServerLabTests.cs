using System.Diagnostics;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// A virtual server end to end on the nftables dataplane (NAT): agents on n1 (master, 100) and n2 (backup, 90) serve
/// VIP 10.77.0.250:80 round robin over web servers on n3 (10.77.0.13) and n4 (10.77.0.14), health-checked by TCP every
/// second; the client namespace curls the VIP. Both directors program the virtual server, so a failover moves only the VIP.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class VirtualServerLabTests(ITestOutputHelper output)
{
    private const int Requests = 8;

    // A failed check is retried once after delayBeforeRetry: a refused server goes down after at most
    // interval + delayBeforeRetry (+ connectTimeout each, if its connects hung instead of being refused).
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DelayBeforeRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    private static readonly VipSpec Vip = Variants.Spec(Variants.V2OneSecond);

    private static string VirtualServerYaml => ServerYaml("web-80", $"virtualIpRef: {Vip.Name}");

    private const string StaticAddress = "10.77.0.40";

    /// <summary>As the converter writes an LVS-only director's virtual_server: spec.address, no virtualIpRef.</summary>
    private static string StaticServerYaml => ServerYaml("static-80", $"address: {StaticAddress}");

    /// <summary>The virtual server both scenarios use, on <paramref name="target"/> (a virtualIpRef or an address line).</summary>
    private static string ServerYaml(string name, string target) => $$"""
        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata:
          name: {{name}}
        spec:
          {{target}}
          port: 80
          scheduler: rr
          forwarding: NAT
          realServers: [{address: 10.77.0.13}, {address: 10.77.0.14}]
          healthCheck:
            interval: 1s
            retries: 1
            delayBeforeRetry: 500ms
            tcp: {connectTimeout: 1s}

        """;

    [VirtualServerLabFact]
    public void The_vip_balances_over_both_servers_drops_a_stopped_one_in_time_and_takes_it_back()
    {
        using var lab = LabNetwork.Create(4, output);
        var (n1, n2) = Directors(lab);
        var servers = new[] { WebServer(lab, lab.Node(3)), WebServer(lab, lab.Node(4)) };
        var agents = new[] { Agent(lab, n1), Agent(lab, n2) };
        AssertMaster(lab, n1, agents);

        // (a) NAT through the master to both real servers.
        Assert.Equal(["n3", "n4"], Answers(lab).Distinct().Order());
        Assert.Contains(agents[0].EventsOf("dataplane"), e => e.GetValueOrDefault("dataplane") == "nftables" && e.GetValueOrDefault("reason") == "requested with --dataplane nftables");

        // (b) n4's server stops: it is declared down and gets no new connections within the checker's bound.
        servers[1].Kill();
        var bound = Interval + DelayBeforeRetry + ConnectTimeout + Margin;
        var down = Wait.Until(() => agents[0].EventsOf("realserver").Any(e => e.GetValueOrDefault("rs") == "10.77.0.14:80" && e.GetValueOrDefault("healthy") == "false"), bound);
        Assert.True(down is not null, $"the agent did not declare 10.77.0.14:80 down within {bound}\n{agents[0].Describe()}");
        lab.Log($"10.77.0.14:80 declared down {down.Value.TotalMilliseconds:0} ms after its server stopped (bound {bound.TotalMilliseconds:0} ms)");
        Assert.Contains("Connection refused", agents[0].EventsOf("realserver").Last().GetValueOrDefault("reason"), StringComparison.Ordinal);
        Assert.All(Answers(lab), a => Assert.Equal("n3", a));

        servers[1] = WebServer(lab, lab.Node(4));
        var up = Wait.Until(() => agents[0].EventsOf("realserver").Any(e => e.GetValueOrDefault("rs") == "10.77.0.14:80" && e.GetValueOrDefault("healthy") == "true"), Interval + Margin);
        Assert.True(up is not null, $"the agent did not take 10.77.0.14:80 back\n{agents[0].Describe()}");
        Assert.Equal(["n3", "n4"], Answers(lab).Distinct().Order());

        // A clean stop takes the virtual servers out of the kernel, as keepalived does.
        Assert.Contains("table inet keepoperator", NftTables(n1), StringComparison.Ordinal);
        agents[0].Term();
        Assert.True(agents[0].WaitForExit(TimeSpan.FromSeconds(5)), $"the agent did not stop on SIGTERM\n{agents[0].Describe()}");
        Assert.DoesNotContain("keepoperator", NftTables(n1), StringComparison.Ordinal);
    }

    /// <summary>
    /// keepalived's LVS-only director (the samples' virtual_server on an address no vrrp_instance holds): a static
    /// VirtualServer on 10.77.0.40, an address n2 holds itself, is served by n2 although n2 is the VirtualIp's backup,
    /// and its checks take a stopped real server out as on a VIP.
    /// </summary>
    [VirtualServerLabFact]
    public void A_static_virtual_server_is_served_by_a_backup_director_on_its_own_address()
    {
        using var lab = LabNetwork.Create(4, output);
        var (n1, n2) = Directors(lab);
        Sh.Check("ip", "netns", "exec", n2.Namespace, "ip", "addr", "add", StaticAddress + "/32", "dev", "eth0");
        var servers = new[] { WebServer(lab, lab.Node(3)), WebServer(lab, lab.Node(4)) };
        var agents = new[] { Agent(lab, n1, StaticServerYaml), Agent(lab, n2, StaticServerYaml) };
        AssertMaster(lab, n1, agents);
        // Both start as candidates: under load n2 may hold the VIP a moment before n1's adverts reach it.
        Assert.True(Wait.Until(() => !lab.HasAddress(n2, Vip.Vip), TimeSpan.FromSeconds(5)) is not null, $"n2 kept the VIP\n{agents[1].Describe()}");
        Assert.Contains(agents[1].EventsOf("virtualserver"), e => e.GetValueOrDefault("service") == $"-t {StaticAddress}:80" && e.GetValueOrDefault("action") == "added");

        Assert.Equal(["n3", "n4"], Answers(lab, StaticAddress).Distinct().Order());
        Assert.Equal(n2.Mac, lab.NeighborMac(lab.Client, StaticAddress));

        servers[0].Kill();
        var bound = Interval + DelayBeforeRetry + ConnectTimeout + Margin;
        Assert.True(
            Wait.Until(() => agents[1].EventsOf("realserver").Any(e => e.GetValueOrDefault("rs") == "10.77.0.13:80" && e.GetValueOrDefault("healthy") == "false"), bound) is not null,
            $"the backup's agent did not declare 10.77.0.13:80 down within {bound}\n{agents[1].Describe()}");
        Assert.All(Answers(lab, StaticAddress), a => Assert.Equal("n4", a));
    }

    /// <summary>
    /// keepalived.conf.fwmark, the sample: "virtual_server fwmark 1" and no vrrp_instance, so no address at all. The
    /// director marks what it wants balanced (here an nft rule on n2 for 10.77.0.40:80, before the NAT hook); the agent
    /// balances the marked packets.
    /// </summary>
    [VirtualServerLabFact]
    public void A_static_firewall_mark_service_balances_what_the_director_marks()
    {
        using var lab = LabNetwork.Create(4, output);
        var (n1, n2) = Directors(lab);
        Sh.Check("ip", "netns", "exec", n2.Namespace, "ip", "addr", "add", StaticAddress + "/32", "dev", "eth0");
        Sh.Check("ip", "netns", "exec", n2.Namespace, "nft", $"add table ip marking; add chain ip marking pre {{ type filter hook prerouting priority mangle; }}; add rule ip marking pre ip daddr {StaticAddress} tcp dport 80 meta mark set 1");
        _ = new[] { WebServer(lab, lab.Node(3)), WebServer(lab, lab.Node(4)) };
        var agents = new[] { Agent(lab, n1, FwmarkServerYaml), Agent(lab, n2, FwmarkServerYaml) };
        AssertMaster(lab, n1, agents);
        Assert.Contains(agents[1].EventsOf("virtualserver"), e => e.GetValueOrDefault("service") == "-f 1" && e.GetValueOrDefault("action") == "added");

        Assert.Equal(["n3", "n4"], Answers(lab, StaticAddress).Distinct().Order());
    }

    private static string FwmarkServerYaml => """
        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata:
          name: fwmark-1
        spec:
          fwmark: 1
          scheduler: rr
          forwarding: NAT
          realServers: [{address: 10.77.0.13, port: 80}, {address: 10.77.0.14, port: 80}]
          healthCheck: {interval: 1s, tcp: {connectTimeout: 1s}}

        """;

    private static string NftTables(LabNode node) => Sh.Check("ip", "netns", "exec", node.Namespace, "nft", "list", "tables");

    [VirtualServerLabFact]
    public void After_kill_9_of_the_master_the_backup_serves_the_virtual_server()
    {
        using var lab = LabNetwork.Create(4, output);
        var (n1, n2) = Directors(lab);
        _ = new[] { WebServer(lab, lab.Node(3)), WebServer(lab, lab.Node(4)) };
        var agents = new[] { Agent(lab, n1), Agent(lab, n2) };
        AssertMaster(lab, n1, agents);
        Assert.Equal(["n3", "n4"], Answers(lab).Distinct().Order());

        agents[0].Kill9();
        var takeover = Wait.Until(() => lab.HasAddress(n2, Vip.Vip), Vip.MasterDownInterval(90) + Margin);
        Assert.True(takeover is not null, $"n2 did not take the VIP\n{agents[1].Describe()}");

        // The killed master keeps the VIP on its interface (nobody removes it): wait for the client to follow n2's
        // gratuitous ARPs, so that the answers below come through the new master.
        Assert.True(Wait.Until(() => lab.NeighborMac(lab.Client, Vip.Vip) == n2.Mac, TimeSpan.FromSeconds(2)) is not null,
            $"the client's neighbour entry for the VIP is {lab.NeighborMac(lab.Client, Vip.Vip)}, not n2's {n2.Mac}");
        var answered = Stopwatch.StartNew();
        Assert.True(Wait.Until(() => Curl(lab) is not null, TimeSpan.FromSeconds(5)) is not null, $"the VIP does not answer through n2\n{agents[1].Describe()}");
        lab.Log($"VIP on n2 after {takeover.Value.TotalMilliseconds:0} ms, first answer through it {answered.ElapsedMilliseconds} ms later");
        Assert.Equal(["n3", "n4"], Answers(lab).Distinct().Order());
    }

    private static (LabNode, LabNode) Directors(LabNetwork lab)
    {
        // NAT: the directors route between client and real servers (new namespaces start with forwarding off).
        foreach (var node in new[] { lab.Node(1), lab.Node(2) })
        {
            Sh.Check("ip", "netns", "exec", node.Namespace, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }

        return (lab.Node(1), lab.Node(2));
    }

    private static AgentPeer Agent(LabNetwork lab, LabNode node, string? virtualServerYaml = null) =>
        AgentPeer.StartWith(lab, node, Vip.ToYaml() + (virtualServerYaml ?? VirtualServerYaml), "--dataplane", "nftables");

    private static void AssertMaster(LabNetwork lab, LabNode master, AgentPeer[] agents)
    {
        Assert.True(Wait.Until(() => lab.HasAddress(master, Vip.Vip), Vip.MasterDownInterval(100) + TimeSpan.FromSeconds(3)) is not null,
            $"{master.Name} never held the VIP\n{string.Join('\n', agents.Select(a => a.Describe()))}");
        Assert.True(Wait.Until(() => agents.All(a => a.EventsOf("virtualserver").Count > 0), TimeSpan.FromSeconds(5)) is not null,
            $"an agent did not program the virtual server\n{string.Join('\n', agents.Select(a => a.Describe()))}");
    }

    /// <summary>python3's http.server on the node's address, serving a page that names the node.</summary>
    private static LabProcess WebServer(LabNetwork lab, LabNode node) => LabWebServer.Start(lab, node, node.IPv4, 80);

    /// <summary>The page behind the VIP, one new connection from the client; null when there is no answer.</summary>
    private static string? Curl(LabNetwork lab) => CurlOrError(lab) is { Ok: true } r ? r.StdOut.Trim() : null;

    private static Sh.Result CurlOrError(LabNetwork lab, string? address = null) =>
        Sh.Run("ip", "netns", "exec", lab.Client.Namespace, "curl", "-sS", "--max-time", "2", $"http://{address ?? Vip.Vip}/");

    private static List<string> Answers(LabNetwork lab, string? address = null)
    {
        var answers = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var r = CurlOrError(lab, address);
            answers.Add(r.Ok ? r.StdOut.Trim() : $"(no answer: {r.StdErr.Trim()})");
        }

        lab.Log("answers: " + string.Join(' ', answers));
        return answers;
    }
}
