using k8s;
using k8s.Models;
using KeepOperator.Operator.LoadBalancer;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>
/// Issue 14 over HTTP: the real kubectl applies a VirtualIpPool and a Service of type LoadBalancer, the operator
/// (in-process, against LocalCluster) makes the address's VirtualIp, the test plays the agents, and the Service gets its
/// EXTERNAL-IP only once a node is master; an operator restart moves nothing; deleting the Service frees the address.
/// </summary>
public sealed class LoadBalancerWorkflowTests
{
    private const string Pool = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIpPool
        metadata:
          name: lan
        spec:
          addresses: ["192.0.2.10-192.0.2.13"]
          autoAssign: true
          virtualIp:
            advertInterval: 50ms
            nodeSelector: {test: lb}
        """;

    private static string Service(string name, string? annotations = null) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: default
        {(annotations is null ? "" : "  annotations: " + annotations)}
        spec:
          type: LoadBalancer
          loadBalancerClass: keepoperator.io/vrrp
          selector: {"{"}app: {name}{"}"}
          ports:
          - port: 80
            protocol: TCP
        """;

    private static async Task<string> ExternalIpAsync(OperatorCluster c, string service) =>
        (await c.Kubectl.OkAsync("get", "svc", service, "-n", "default", "--no-headers")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];

    private static async Task<IReadOnlyList<string>> ServiceEventsAsync(OperatorCluster c, string service) =>
        [.. (await c.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.name={service},involvedObject.kind=Service")).Items.Select(e => $"{e.Type} {e.Reason}: {e.Message}")];

    [Fact]
    public async Task A_Service_gets_an_address_that_shows_once_a_node_is_master_survives_a_restart_and_is_freed_with_the_Service()
    {
        await using var c = await StartAsync();
        var op = c.StartOperator(FastOptions("lb-1"));
        foreach (var n in new[] { "lb-n1", "lb-n2" })
        {
            await c.CreateNodeAsync(n, new() { ["test"] = "lb" });
        }
        await c.ApplyAsync(Pool);
        await c.ApplyAsync(Service("web"));

        const string Vip = "lb-192-0-2-10";
        var vip = await EventuallyAsync(() => c.GetVirtualIpAsync(Vip), v => v is not null, "the Service's VirtualIp");
        Assert.Equal(["192.0.2.10"], vip!.Spec.Addresses);
        Assert.Equal("50ms", vip.Spec.AdvertInterval);
        Assert.Equal("default/web", vip.Metadata.Annotations![LoadBalancerNames.ServicesAnnotation]);
        await EventuallyAsync(() => c.PriorityAsync("lb-n1", Vip), p => p is not null, "lb-n1's instance of the VirtualIp");
        Assert.Equal("<pending>", await ExternalIpAsync(c, "web")); // no master yet: no address to show

        await c.ReportAsync("lb-n1", (Vip, "Master", 100));
        await c.ReportAsync("lb-n2", (Vip, "Backup", 100));
        await EventuallyAsync(() => ExternalIpAsync(c, "web"), ip => ip == "192.0.2.10", "kubectl get svc's EXTERNAL-IP");
        var service = await c.Client.CoreV1.ReadNamespacedServiceAsync("web", "default");
        Assert.Equal("VIP", Assert.Single(service.Status.LoadBalancer.Ingress).IpMode);
        var events = await EventuallyAsync(() => ServiceEventsAsync(c, "web"), e => e.Any(x => x.Contains("BecameMaster", StringComparison.Ordinal)), "the Service's Events");
        Assert.Contains("Normal IPAllocated: 192.0.2.10 from VirtualIpPool lan", events);
        Assert.Contains("Normal BecameMaster: node=lb-n1 holds 192.0.2.10 as master (VirtualIp lb-192-0-2-10)", events);
        var pools = await EventuallyAsync(() => c.Kubectl.OkAsync("get", "virtualippools"), t => t.Contains("lan", StringComparison.Ordinal) && t.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] == "1", "kubectl get virtualippools");
        Assert.Matches(@"lan\s+\[""192\.0\.2\.10-192\.0\.2\.13""\]\s+true\s+1\s+3\s+0\s+0\s+True", pools);

        // A second Service asking for the first one's address is told why it gets none.
        await c.ApplyAsync(Service("greedy", "{keepoperator.io/loadBalancerIPs: 192.0.2.10}"));
        var refused = await EventuallyAsync(() => ServiceEventsAsync(c, "greedy"), e => e.Count > 0, "greedy's Events");
        Assert.Equal("Warning RequestedAddressInUse: 192.0.2.10 is used by default/web (sharing needs the same keepoperator.io/allow-shared-ip key on both)", Assert.Single(refused));

        // A new operator (a restart, or the standby taking over) moves no address and tells nothing again.
        await c.StopOperatorAsync(op);
        var eventsBefore = (await ServiceEventsAsync(c, "web")).Count;
        op = c.StartOperator(FastOptions("lb-2"));
        await c.ApplyAsync(Service("late"));
        await EventuallyAsync(() => c.GetVirtualIpAsync("lb-192-0-2-11"), v => v is not null, "the later Service's VirtualIp");
        Assert.Equal("192.0.2.10", await ExternalIpAsync(c, "web"));
        Assert.Equal(eventsBefore, (await ServiceEventsAsync(c, "web")).Count);

        await c.Client.CoreV1.DeleteNamespacedServiceAsync("greedy", "default"); // it would take the address the moment it is free
        await c.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");
        await EventuallyAsync(() => c.GetVirtualIpAsync(Vip), v => v is null, "the deleted Service's VirtualIp to go");
        await c.ApplyAsync(Service("again"));
        await EventuallyAsync(() => c.GetVirtualIpAsync(Vip), v => v?.Metadata.Annotations?[LoadBalancerNames.ServicesAnnotation] == "default/again", "the freed address to serve a new Service");
    }

    [Fact]
    public async Task A_Proxy_pool_makes_a_VirtualServer_over_the_Services_endpoints_and_says_ipMode_Proxy()
    {
        await using var c = await StartAsync();
        c.StartOperator(FastOptions("lb-proxy"));
        await c.CreateNodeAsync("px-n1", new() { ["test"] = "px" });
        await c.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIpPool
            metadata:
              name: proxied
            spec:
              addresses: ["198.51.100.0/30"]
              ipMode: Proxy
              virtualIp:
                nodeSelector: {test: px}
                interface: px0
            """);
        await c.ApplyAsync("""
            apiVersion: v1
            kind: Service
            metadata:
              name: api
              namespace: default
            spec:
              type: LoadBalancer
              loadBalancerClass: keepoperator.io/vrrp
              sessionAffinity: ClientIP
              selector: {app: api}
              ports:
              - {name: http, port: 80, targetPort: 8080, protocol: TCP}
            """);
        await c.Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(
            new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta { Name = "api-1", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "api" } },
                AddressType = "IPv4",
                Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
                Endpoints = [new V1Endpoint { Addresses = ["10.1.0.7"], Conditions = new V1EndpointConditions { Ready = true } }],
            },
            "default");

        var server = await EventuallyAsync(() => c.GetVirtualServerAsync("default", "lb-198-51-100-0-80-tcp"), v => v is not null, "the Service's VirtualServer");
        Assert.Equal(("lb-198-51-100-0", "api", "3h0m0s"), (server!.Spec.VirtualIpRef, server.Spec.ServiceRef!.Name, server.Spec.PersistenceTimeout));
        var real = await EventuallyAsync(
            async () => (await c.GetNodeAgentConfigAsync("px-n1"))?.Spec.VirtualServers?.SingleOrDefault()?.RealServers.Select(r => $"{r.Address}:{r.Port}").SingleOrDefault(),
            r => r is not null, "px-n1's real server from the EndpointSlice");
        Assert.Equal("10.1.0.7:8080", real);

        await c.ReportAsync("px-n1", ("lb-198-51-100-0", "Master", 100));
        var service = await EventuallyAsync(() => c.Client.CoreV1.ReadNamespacedServiceAsync("api", "default"), s => s.Status?.LoadBalancer?.Ingress is { Count: 1 }, "the Service's ingress");
        Assert.Equal(("198.51.100.0", "Proxy"), (service.Status.LoadBalancer.Ingress[0].Ip, service.Status.LoadBalancer.Ingress[0].IpMode));

        // No longer a load balancer (loadBalancerClass is immutable, type is not): VirtualServer, VirtualIp and the ingress we wrote go.
        service.Spec.Type = "ClusterIP";
        service.Spec.LoadBalancerClass = null;
        await c.Client.CoreV1.ReplaceNamespacedServiceAsync(service, "api", "default");
        await EventuallyAsync(() => c.GetVirtualServerAsync("default", "lb-198-51-100-0-80-tcp"), v => v is null, "the VirtualServer to go");
        await EventuallyAsync(() => c.GetVirtualIpAsync("lb-198-51-100-0"), v => v is null, "the VirtualIp to go");
        await EventuallyAsync(() => c.Client.CoreV1.ReadNamespacedServiceAsync("api", "default"), s => s.Status?.LoadBalancer?.Ingress is not { Count: > 0 }, "the ingress to be cleared");
    }

    /// <summary>The EndpointSlice of Service "local", one endpoint per (node, ready); ready null leaves the condition out (ready, as in Kubernetes).</summary>
    private static string LocalSlice(params (string Node, bool? Ready)[] endpoints) => $"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: local-1
          namespace: default
          labels: {"{"}kubernetes.io/service-name: local{"}"}
        addressType: IPv4
        ports:
        - {"{"}port: 8080, protocol: TCP{"}"}
        endpoints:
        {string.Join("\n", endpoints.Select((e, i) => $"- addresses: [10.1.0.{i + 1}]\n  nodeName: {e.Node}" + (e.Ready is { } ready ? $"\n  conditions: {"{"}ready: {(ready ? "true" : "false")}{"}"}" : "")))}
        """;

    [Fact]
    public async Task With_externalTrafficPolicy_Local_only_nodes_with_a_ready_endpoint_get_the_address_and_it_follows_the_endpoints()
    {
        await using var c = await StartAsync();
        c.StartOperator(FastOptions("lb-etp"));
        string[] nodes = ["etp-n1", "etp-n2", "etp-n3"];
        foreach (var n in nodes)
        {
            await c.CreateNodeAsync(n, new() { ["test"] = "lb" });
        }
        await c.ApplyAsync(Pool);
        await c.ApplyAsync(LocalSlice(("etp-n2", null), ("etp-n3", false)));
        await c.ApplyAsync(Service("local").Replace("  type: LoadBalancer", "  type: LoadBalancer\n  externalTrafficPolicy: Local", StringComparison.Ordinal));

        const string Vip = "lb-192-0-2-10";
        async Task<string> Holders() => string.Join(',', (await Task.WhenAll(nodes.Select(async n => (Node: n, Priority: await c.PriorityAsync(n, Vip))))).Where(x => x.Priority is not null).Select(x => x.Node));
        var vip = await EventuallyAsync(() => c.GetVirtualIpAsync(Vip), v => v is not null, "the Service's VirtualIp");
        Assert.Equal(["etp-n2"], vip!.Spec.NodeNames);
        Assert.Equal("etp-n2", await EventuallyAsync(Holders, h => h == "etp-n2", "only etp-n2 to be given the instance"));
        await c.ReportAsync("etp-n2", (Vip, "Master", 100));
        await EventuallyAsync(() => ExternalIpAsync(c, "local"), ip => ip == "192.0.2.10", "kubectl get svc's EXTERNAL-IP");

        // etp-n2's endpoint goes unready and one on etp-n1 becomes ready: the instance moves with it.
        await c.ApplyAsync(LocalSlice(("etp-n2", false), ("etp-n3", false), ("etp-n1", true)));
        await EventuallyAsync(Holders, h => h == "etp-n1", "the instance to move to etp-n1");
        Assert.Equal(["etp-n1"], (await c.GetVirtualIpAsync(Vip))!.Spec.NodeNames);

        // No ready endpoint anywhere: no node may hold it, the Service is told, and the address stays allocated.
        await c.ApplyAsync(LocalSlice(("etp-n1", false)));
        await EventuallyAsync(Holders, h => h == "", "every node's instance to go");
        var events = await EventuallyAsync(() => ServiceEventsAsync(c, "local"), e => e.Any(x => x.Contains(LoadBalancerReconciler.NoLocalEndpoints, StringComparison.Ordinal)), "the NoLocalEndpoints Event");
        Assert.Contains("Warning NoLocalEndpoints: externalTrafficPolicy Local and no node has a ready endpoint: 192.0.2.10 stays allocated, held by no node until one has", events);
        var kept = await c.GetVirtualIpAsync(Vip);
        Assert.Equal(["192.0.2.10"], kept!.Spec.Addresses);
        Assert.Equal("default/local", kept.Metadata.Annotations![LoadBalancerNames.ServicesAnnotation]);
        Assert.Equal([], kept.Spec.NodeNames);
        await EventuallyAsync(() => c.GetVirtualIpAsync(Vip), v => v?.Status?.Conditions?.Any(x => x.Type == "Ready" && x.Reason == "NoEligibleNodes") == true, "the VirtualIp's Ready=False NoEligibleNodes");
        await EventuallyAsync(() => ExternalIpAsync(c, "local"), ip => ip == "<pending>", "EXTERNAL-IP to show that no node holds it");

        await c.ApplyAsync(LocalSlice(("etp-n3", null)));
        await EventuallyAsync(Holders, h => h == "etp-n3", "the instance to come back on etp-n3");
        await c.ReportAsync("etp-n3", (Vip, "Master", 100));
        await EventuallyAsync(() => ExternalIpAsync(c, "local"), ip => ip == "192.0.2.10", "the same EXTERNAL-IP once etp-n3 holds it");
    }
}
