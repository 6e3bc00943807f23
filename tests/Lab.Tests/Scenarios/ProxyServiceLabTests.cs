using System.Diagnostics;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Issue 14's Proxy mode in the lab, as a user drives it: the real kubectl applies a VirtualIpPool with ipMode Proxy, a
/// Service of type LoadBalancer (TCP 80 to 8080 and UDP 80 to 5353: one port number, two protocols) and its
/// EndpointSlice, whose endpoints are two 'pod' namespaces on the bridge (10.77.0.21, .22) running a web server and a
/// UDP echo. The agents' own dataplane (nftables where the kernel has no IPVS, as here) balances the EXTERNAL-IP over
/// the ready endpoints; the nodes forward, as Kubernetes nodes do.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class ProxyServiceLabTests(ITestOutputHelper output)
{
    private const string Address = "10.77.0.240";
    private const int Requests = 8;

    /// <summary>Operator, then agent, each react to a watch event: generous for a loaded CI machine, measured and logged.</summary>
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(10);

    private const string PoolYaml = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIpPool
        metadata:
          name: proxy
        spec:
          addresses: ["10.77.0.240-10.77.0.243"]
          ipMode: Proxy
          virtualIp:
            advertInterval: 50ms
            interface: eth0
        """;

    private static string ServiceYaml(string affinity) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: default
        spec:
          type: LoadBalancer
          loadBalancerClass: keepoperator.io/vrrp
          sessionAffinity: {{affinity}}
          ports:
          - {name: http, port: 80, targetPort: 8080, protocol: TCP}
          - {name: echo, port: 80, targetPort: 5353, protocol: UDP}
        """;

    private static string SliceYaml(bool pod2Ready) => $$"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-1
          namespace: default
          labels: {kubernetes.io/service-name: web}
        addressType: IPv4
        ports:
        - {name: http, port: 8080, protocol: TCP}
        - {name: echo, port: 5353, protocol: UDP}
        endpoints:
        - addresses: ["10.77.0.21"]
          conditions: {ready: true}
        - addresses: ["10.77.0.22"]
          conditions:
            ready: {{(pod2Ready ? "true" : "false")}}
        """;

    [VirtualServerLabFact]
    public void A_Proxy_pool_Service_is_balanced_over_its_ready_endpoints_by_our_dataplane_and_fails_over()
    {
        using var lab = LabNetwork.Create(2, output);
        var pods = PodHosts.Add(lab);
        var web = pods.Select(pod => LabWebServer.Start(lab, pod, pod.IPv4, 8080)).ToList();
        foreach (var pod in pods)
        {
            LabUdpEcho.Start(lab, pod, 5353);
        }

        var cluster = EndToEndCluster.Start(lab);
        cluster.Apply("pool", PoolYaml);
        cluster.Apply("service", ServiceYaml("None"));
        cluster.Apply("slice", SliceYaml(pod2Ready: true));
        Assert.True(Wait.Until(() => ExternalIp(cluster) == Address, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50)) is not null,
            $"kubectl get svc web did not show EXTERNAL-IP {Address}: {cluster.Kubectl("get", "svc", "web").StdOut}\n{cluster.Describe()}");
        Assert.Equal("Proxy", cluster.KubectlCheck("get", "svc", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ipMode}"));
        var master = Assert.Single(lab.Holders(Address));
        var backup = lab.Nodes.Single(n => n != master);
        var dataplane = cluster.Agent(master).EventsOf("dataplane").Select(e => e.GetValueOrDefault("dataplane")).FirstOrDefault();
        lab.Log($"{master.Name} holds {Address}; dataplane {dataplane}; virtual servers: " + cluster.KubectlCheck("get", "virtualservers", "-n", "default", "--no-headers").Trim());

        // Round robin over both endpoints, TCP and UDP (the agents program the virtual servers soon after the address).
        Assert.True(Wait.Until(() => Answers(lab, Curl).Distinct().Order().SequenceEqual(["pod1", "pod2"]), Propagation, TimeSpan.FromMilliseconds(200)) is not null,
            $"TCP to {Address}:80 did not reach both endpoints: {string.Join(' ', Answers(lab, Curl))}\n{cluster.Describe()}");
        Assert.True(Wait.Until(() => Answers(lab, Udp).Distinct().Order().SequenceEqual(["pod1", "pod2"]), Propagation, TimeSpan.FromMilliseconds(200)) is not null,
            $"UDP to {Address}:80 did not reach both endpoints: {string.Join(' ', Answers(lab, Udp))}\n{cluster.Describe()}");

        // The 'pods' route nothing back through a node: nftables masquerades, so they answer the director's own
        // address (as kube-proxy does for externalTrafficPolicy Cluster), never the client's (http.server logs its peer).
        Assert.All(web, w => Assert.Contains(w.AllLines, l => l.StartsWith(master.IPv4 + " ", StringComparison.Ordinal)));
        Assert.All(web, w => Assert.DoesNotContain(w.AllLines, l => l.StartsWith(lab.Client.IPv4 + " ", StringComparison.Ordinal)));

        // An endpoint the EndpointSlice marks not ready gets no new connections, and comes back once ready.
        var clock = Stopwatch.StartNew();
        cluster.Apply("slice", SliceYaml(pod2Ready: false));
        var outOfRotation = Wait.UntilFrom(clock, () => Answers(lab, Curl).All(a => a == "pod1"), Propagation, TimeSpan.FromMilliseconds(50));
        Assert.True(outOfRotation is not null, $"pod2, not ready, still answers: {string.Join(' ', Answers(lab, Curl))}\n{cluster.Describe()}");
        Assert.All(Answers(lab, Udp), a => Assert.Equal("pod1", a));
        lab.Log($"pod2 marked not ready: out of rotation after {Scenario.Ms(outOfRotation)}");
        cluster.Apply("slice", SliceYaml(pod2Ready: true));
        Assert.True(Wait.Until(() => Answers(lab, Curl).Distinct().Count() == 2, Propagation, TimeSpan.FromMilliseconds(50)) is not null,
            $"pod2, ready again, was not taken back\n{cluster.Describe()}");

        // sessionAffinity ClientIP: the client keeps one endpoint, over TCP and UDP alike.
        cluster.Apply("service", ServiceYaml("ClientIP"));
        Assert.True(Wait.Until(() => Answers(lab, Curl).Distinct().Count() == 1, Propagation, TimeSpan.FromMilliseconds(200)) is not null,
            $"with sessionAffinity ClientIP the client still reaches both: {string.Join(' ', Answers(lab, Curl))}\n{cluster.Describe()}");
        Assert.Single(Answers(lab, Udp).Distinct());

        // kill -9 of the master's agent: the backup takes the address and its own dataplane serves it.
        Thread.Sleep(1000); // steady: the backup has heard a good many adverts
        cluster.Agent(master).Kill9();
        var failover = Stopwatch.StartNew();
        var took = Wait.UntilFrom(failover, () => lab.HasAddress(backup, Address), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(5));
        Assert.True(took is not null, $"{backup.Name} did not take {Address} after kill -9 of {master.Name}'s agent\n{cluster.Describe()}");
        // The killed master keeps the address and its rules (nobody removes them): the answer must come through the
        // backup, so wait for the client to follow its gratuitous ARPs first.
        var followed = Wait.UntilFrom(failover, () => lab.NeighborMac(lab.Client, Address) == backup.Mac, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(5));
        Assert.True(followed is not null, $"the client's neighbour entry for {Address} is {lab.NeighborMac(lab.Client, Address)}, not {backup.Name}'s {backup.Mac}");
        var served = Wait.UntilFrom(failover, () => Curl(lab) is "pod1" or "pod2", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        Assert.True(served is not null, $"the client was not served through {backup.Name}\n{cluster.Describe()}");
        Assert.Contains(Address, Sh.Check("ip", "netns", "exec", backup.Namespace, "nft", "list", "ruleset"), StringComparison.Ordinal);
        Assert.All(Answers(lab, Udp), a => Assert.True(a is "pod1" or "pod2", $"UDP through {backup.Name}: {a}"));
        lab.Log($"kill -9 {master.Name}'s agent -> {backup.Name} held {Address} after {Scenario.Ms(took)}, the client followed it after {Scenario.Ms(followed)}, was served after {Scenario.Ms(served)}");
        Assert.True(Wait.Until(() => cluster.Status("lb-10-77-0-240")?["master"]?.GetValue<string>() == backup.Name, Propagation, TimeSpan.FromMilliseconds(50)) is not null,
            $"the Service's VirtualIp status did not move to {backup.Name}\n{cluster.Describe()}");
        Assert.Equal("Proxy", cluster.KubectlCheck("get", "svc", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ipMode}"));
    }

    private static string? ExternalIp(EndToEndCluster cluster) =>
        cluster.Kubectl("get", "svc", "web", "-n", "default", "--no-headers") is { Ok: true } r && r.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 3 } cells ? cells[3] : null;

    /// <summary>The page behind EXTERNAL-IP:80, one new connection from the client; null when there is no answer.</summary>
    private static string? Curl(LabNetwork lab) =>
        Sh.Run("ip", "netns", "exec", lab.Client.Namespace, "curl", "-s", "--max-time", "1", $"http://{Address}/") is { Ok: true } r ? r.StdOut.Trim() : null;

    private static string? Udp(LabNetwork lab) => LabUdpEcho.Ask(lab, lab.Client, Address, 80);

    private static List<string> Answers(LabNetwork lab, Func<LabNetwork, string?> ask)
    {
        var answers = Enumerable.Range(0, Requests).Select(_ => ask(lab) ?? "(none)").ToList();
        lab.Log("answers: " + string.Join(' ', answers));
        return answers;
    }
}
