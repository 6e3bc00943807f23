using System.Text.Json;
using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>
/// A VirtualServer over a Service, end to end over HTTP: KubernetesClient applies the objects, the operator (in-process)
/// resolves the EndpointSlice into the NodeAgentConfigs, the test plays the agents, and the real kubectl prints the result.
/// </summary>
public sealed class VirtualServerWorkflowTests(OperatorWorkflowFixture fixture) : IClassFixture<OperatorWorkflowFixture>
{
    private const string Ns = "default";

    private OperatorCluster C => fixture.Cluster;

    private static V1EndpointSlice Slice(bool secondReady) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta { Name = "api-x7k2p", Labels = new Dictionary<string, string> { [EndpointResolver.ServiceNameLabel] = "api" } },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
        Endpoints =
        [
            new V1Endpoint { Addresses = ["10.1.0.2"], Conditions = new V1EndpointConditions { Ready = secondReady } },
            new V1Endpoint { Addresses = ["10.1.0.1"], Conditions = new V1EndpointConditions { Ready = true } },
            new V1Endpoint { Addresses = ["10.1.0.3"], Conditions = new V1EndpointConditions { Ready = false } },
        ],
    };

    private async Task<string> RealServersOfAsync(string node) =>
        string.Join(" ", (await C.GetNodeAgentConfigAsync(node))?.Spec.VirtualServers?.SingleOrDefault()?.RealServers.Select(r => $"{r.Address}:{r.Port}") ?? []);

    private static NodeVirtualServerStatus Programmed(params (string Address, bool Healthy)[] servers) => new()
    {
        Namespace = Ns,
        Name = "api",
        RealServers = servers.Select(s => new RealServerStatus { Address = s.Address, Port = 8080, Healthy = s.Healthy, Weight = 1, LastCheckTime = DateTimeOffset.UtcNow }).ToList(),
    };

    [Fact]
    public async Task ServiceBackedVirtualServer_ReachesTheVipsNodes_ShowsTheMastersHealth_AndFollowsThePods()
    {
        foreach (var n in new[] { "vs-n1", "vs-n2" })
        {
            await C.CreateNodeAsync(n, new() { ["test"] = "vs" });
        }

        await C.CreateVirtualIpAsync(new VirtualIp
        {
            Metadata = new ObjectMeta { Name = "vs-web" },
            Spec = new VirtualIpSpec { Addresses = ["10.77.5.10"], Interface = "vs0", NodeSelector = new() { ["test"] = "vs" } },
        });
        await C.Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service
            {
                Metadata = new V1ObjectMeta { Name = "api" },
                Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "metrics", Port = 9100 }, new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
            },
            Ns);
        await C.Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(Slice(secondReady: true), Ns);
        var server = new VirtualServer
        {
            Metadata = new ObjectMeta { Name = "api", Namespace = Ns },
            Spec = new VirtualServerSpec { VirtualIpRef = "vs-web", Port = 80, Protocol = "TCP", Scheduler = "rr", ServiceRef = new ServiceReference { Name = "api", Port = "http" } },
        };
        await C.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonSerializer.SerializeToNode(server, ApiJsonContext.Default.VirtualServer)!, VirtualIp.Group, VirtualIp.Version, Ns, VirtualServer.Plural);

        // Both nodes of the VirtualIp get it, with the ready endpoints on the slice's http port; not-ready 10.1.0.3 is left out.
        foreach (var node in new[] { "vs-n1", "vs-n2" })
        {
            await EventuallyAsync(() => RealServersOfAsync(node), s => s == "10.1.0.1:8080 10.1.0.2:8080", $"{node}'s spec.virtualServers");
        }

        var given = (await C.GetNodeAgentConfigAsync("vs-n1"))!.Spec.VirtualServers!.Single();
        Assert.Equal(("10.77.5.10", 80, "rr", 1L), (given.Address.ToString(), given.Port ?? 0, given.Scheduler, given.Generation ?? 0));
        Assert.Equal(("vs-web", ForwardingMethod.Nat), (given.VirtualIp, given.Forwarding)); // resolved: the default applied

        // Given to the agents, but nobody is master yet (the Service's watch event may come after the VirtualServer's:
        // a first status may say ServiceNotFound).
        var unserved = await EventuallyAsync(() => C.GetVirtualServerAsync(Ns, "api"), v => v?.Status?.Conditions?.Single().Reason == VirtualServerReasons.NoMaster, "NoMaster");
        Assert.Equal(("False", "0/2"), (unserved!.Status!.Conditions![0].Status, unserved.Status.HealthySummary));

        // The agents: vs-n1 is master and checks one real server healthy, one failing.
        await C.ReportAsync("vs-n1", [Programmed(("10.1.0.1", true), ("10.1.0.2", false))], ("vs-web", "Master", 100));
        await C.ReportAsync("vs-n2", [Programmed(("10.1.0.1", true), ("10.1.0.2", true))], ("vs-web", "Backup", 100));
        var serving = await EventuallyAsync(() => C.GetVirtualServerAsync(Ns, "api"), v => v?.Status?.Conditions?.Single().Status == "True", "Ready");
        Assert.Equal(("vs-n1", "10.77.5.10", 1, 2, "1/2"), (serving!.Status!.Node, serving.Status.Address, serving.Status.Healthy ?? 0, serving.Status.Total ?? 0, serving.Status.HealthySummary));
        Assert.Equal(VirtualServerReasons.Serving, serving.Status.Conditions![0].Reason);
        Assert.Equal(1L, serving.Status.ObservedGeneration);

        var table = (await C.Kubectl.OkAsync("get", "vs", "-n", Ns)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "VIP", "PORT", "PROTOCOL", "SCHEDULER", "HEALTHY", "AGE"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["api", "vs-web", "80", "TCP", "rr", "1/2"], table[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..6]);

        // The pod behind 10.1.0.2 goes unready: the spec drops it, and the status counts only what is still wanted.
        await C.Client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(Slice(secondReady: false), "api-x7k2p", Ns);
        foreach (var node in new[] { "vs-n1", "vs-n2" })
        {
            await EventuallyAsync(() => RealServersOfAsync(node), s => s == "10.1.0.1:8080", $"{node}'s spec without 10.1.0.2");
        }

        await EventuallyAsync(() => C.GetVirtualServerAsync(Ns, "api"), v => v?.Status?.HealthySummary == "1/1", "HEALTHY 1/1");
        Assert.Contains("1/1", await C.Kubectl.OkAsync("get", "vs", "api", "-n", Ns), StringComparison.Ordinal);

        // The Service goes: the VirtualServer leaves the agents and says why.
        await C.Client.CoreV1.DeleteNamespacedServiceAsync("api", Ns);
        await EventuallyAsync(() => RealServersOfAsync("vs-n1"), s => s.Length == 0, "vs-n1 without the virtual server");
        var orphan = await EventuallyAsync(
            () => C.GetVirtualServerAsync(Ns, "api"), v => v?.Status?.Conditions?.Single().Reason == VirtualServerReasons.ServiceNotFound, "ServiceNotFound");
        Assert.Equal("False", orphan!.Status!.Conditions![0].Status);
        Assert.Null((await C.GetNodeAgentConfigAsync("vs-n1"))!.Spec.VirtualServers);
    }

    [Fact]
    public async Task StaticVirtualServer_ReachesTheNodesItsSelectorMatches_WithoutAnyVirtualIp_AndIsReadyOnTheirReport()
    {
        foreach (var (n, labels) in new[] { ("st-n1", new Dictionary<string, string> { ["test"] = "static" }), ("st-n2", new() { ["test"] = "static" }), ("st-n3", new() { ["test"] = "other" }) })
        {
            await C.CreateNodeAsync(n, labels);
        }

        // The YAML keepoperator convert writes for an LVS-only director, a selector instead of its hostname.
        await C.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualServer
            metadata:
              name: dns
              namespace: default
            spec:
              address: 10.77.6.53
              nodeSelector:
                test: static
              port: 53
              protocol: UDP
              scheduler: rr
              realServers:
              - address: 10.1.6.1
              - address: 10.1.6.2
            """);

        foreach (var node in new[] { "st-n1", "st-n2" })
        {
            var given = (await EventuallyAsync(() => C.GetNodeAgentConfigAsync(node), c => c?.Spec.VirtualServers is { Count: 1 }, $"{node}'s spec.virtualServers"))!.Spec.VirtualServers![0];
            Assert.Equal(("dns", null, "10.77.6.53", 53, VirtualServerProtocol.Udp), (given.Name, given.VirtualIp, given.Address.ToString(), given.Port ?? 0, given.Protocol));
        }

        Assert.Null((await C.GetNodeAgentConfigAsync("st-n3"))?.Spec.VirtualServers);
        var waiting = await EventuallyAsync(() => C.GetVirtualServerAsync(Ns, "dns"), v => v?.Status?.Conditions?.Single().Reason == VirtualServerReasons.NotProgrammed, "NotProgrammed");
        Assert.Equal("none of its nodes (st-n1, st-n2) has reported it yet", waiting!.Status!.Conditions![0].Message);

        // No VRRP state at all: a node reporting it programmed makes it Ready.
        var report = new NodeVirtualServerStatus
        {
            Namespace = Ns,
            Name = "dns",
            RealServers = [new RealServerStatus { Address = "10.1.6.1", Port = 53, Healthy = true, Weight = 1 }, new RealServerStatus { Address = "10.1.6.2", Port = 53, Healthy = true, Weight = 1 }],
        };
        await C.ReportAsync("st-n2", [report]);
        var serving = await EventuallyAsync(() => C.GetVirtualServerAsync(Ns, "dns"), v => v?.Status?.Conditions?.Single().Status == "True", "Ready");
        Assert.Equal(("st-n2", "10.77.6.53", "2/2"), (serving!.Status!.Node, serving.Status.Address, serving.Status.HealthySummary));
    }
}
