using k8s;
using k8s.Models;
using KeepOperator.Api.Rbac;
using KeepOperator.LocalCluster;
using KeepOperator.Operator.Kube;
using KeepOperator.Tests.Shared;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>
/// The operator's RBAC, derived from the calls it makes: one run through every kind of work (VirtualIps with a
/// password Secret, agents' reports, failovers and their Events, Services of type LoadBalancer in both modes, a node
/// leaving, a leader handing over) while LocalCluster records each request by User-Agent, verb, group, resource and
/// namespace. Every request must be granted by <see cref="OperatorPermissions"/>, and every verb granted called.
/// Before it, the operator listed Secrets in all namespaces while the chart granted them in a few: in a real cluster
/// its informer would never have synced.
/// </summary>
public sealed class OperatorRbacFromCallsTests
{
    private const string ReleaseNs = "keepoperator-system";
    private const string SecretNs = "vrrp-secrets";

    [Fact]
    public async Task The_operator_calls_only_what_it_is_granted_and_is_granted_only_what_it_calls()
    {
        var requests = new RequestCounts();
        await using var c = await StartAsync(requests: requests);
        foreach (var ns in new[] { ReleaseNs, SecretNs })
        {
            await c.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }
        await c.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "vrrp" }, StringData = new Dictionary<string, string> { ["password"] = "s3cret" } }, SecretNs);
        var options = FastOptions("rbac-1") with { Namespace = ReleaseNs, SecretNamespaces = [SecretNs] };
        var first = c.StartOperator(options);
        foreach (var n in new[] { "rb-n1", "rb-n2" })
        {
            await c.CreateNodeAsync(n, new() { ["test"] = "rbac" });
        }

        // A VirtualIp whose password is in a Secret: it reaches the nodes only once the operator has seen the Secret.
        await c.ApplyAsync($$"""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: rb-vip
            spec:
              addresses: ["10.88.0.10"]
              interface: rb0
              nodeSelector: {test: rbac}
              authentication:
                passwordSecretRef: {name: vrrp, namespace: {{SecretNs}}, key: password}
            """);
        await EventuallyAsync(() => c.PriorityAsync("rb-n1", "rb-vip"), p => p is not null, "rb-n1's instance of rb-vip");
        // Failovers: the status follows, and the repeated BecameMaster is an Event's count going up (a patch).
        foreach (var master in new[] { "rb-n1", "rb-n2", "rb-n1" })
        {
            var backup = master == "rb-n1" ? "rb-n2" : "rb-n1";
            await c.ReportAsync(master, ("rb-vip", "Master", 100));
            await c.ReportAsync(backup, ("rb-vip", "Backup", 100));
            await EventuallyAsync(() => c.GetVirtualIpAsync("rb-vip"), v => v?.Status?.Master == master, $"status.master {master}");
        }

        // A Proxy-mode pool and a Service of type LoadBalancer: a VirtualIp and a VirtualServer made, changed and removed.
        await c.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIpPool
            metadata:
              name: rb-pool
            spec:
              addresses: ["198.51.100.64/30"]
              ipMode: Proxy
              virtualIp:
                nodeSelector: {test: rbac}
                interface: rb0
            """);
        await c.Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(
            new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta { Name = "rb-api-1", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "rb-api" } },
                AddressType = "IPv4",
                Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
                Endpoints = [new V1Endpoint { Addresses = ["10.1.0.7"], Conditions = new V1EndpointConditions { Ready = true } }],
            },
            "default");
        var service = await c.Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service
            {
                Metadata = new V1ObjectMeta { Name = "rb-api" },
                Spec = new V1ServiceSpec
                {
                    Type = "LoadBalancer",
                    LoadBalancerClass = "keepoperator.io/vrrp",
                    Selector = new Dictionary<string, string> { ["app"] = "rb-api" },
                    Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080, Protocol = "TCP" }],
                },
            },
            "default");
        const string LbVip = "lb-198-51-100-64", LbServer = "lb-198-51-100-64-80-tcp";
        await EventuallyAsync(() => c.GetVirtualServerAsync("default", LbServer), v => v is not null, "the Service's VirtualServer");
        await c.ReportAsync("rb-n1", ("rb-vip", "Master", 100), (LbVip, "Master", 100));
        await EventuallyAsync(() => c.Client.CoreV1.ReadNamespacedServiceAsync("rb-api", "default"), s => s.Status?.LoadBalancer?.Ingress is { Count: 1 }, "the Service's ingress");
        service = await c.Client.CoreV1.ReadNamespacedServiceAsync("rb-api", "default");
        service.Spec.SessionAffinity = "ClientIP";
        await c.Client.CoreV1.ReplaceNamespacedServiceAsync(service, "rb-api", "default");
        await EventuallyAsync(() => c.GetVirtualServerAsync("default", LbServer), v => v?.Spec.PersistenceTimeout is not null, "the VirtualServer to take the affinity");
        await c.Kubectl.OkAsync("patch", "virtualippool", "rb-pool", "--type=merge", "-p", """{"spec":{"virtualIp":{"advertInterval":"200ms"}}}""");
        await EventuallyAsync(() => c.GetVirtualIpAsync(LbVip), v => v?.Spec.AdvertInterval == "200ms", "the pool's VirtualIp to take the new interval");
        await c.Client.CoreV1.DeleteNamespacedServiceAsync("rb-api", "default");
        await EventuallyAsync(() => c.GetVirtualIpAsync(LbVip), v => v is null, "the Service's VirtualIp to go");
        await EventuallyAsync(() => c.GetVirtualServerAsync("default", LbServer), v => v is null, "the Service's VirtualServer to go");

        // A node leaves: its config goes. Then the leader hands over, and the new one works.
        await c.Client.CoreV1.DeleteNodeAsync("rb-n2");
        await EventuallyAsync(() => c.GetNodeAgentConfigAsync("rb-n2"), n => n is null, "rb-n2's NodeAgentConfig to go");
        await c.StopOperatorAsync(first);
        c.StartOperator(options with { Identity = "rbac-2" });
        await c.CreateNodeAsync("rb-n3", new() { ["test"] = "rbac" });
        await EventuallyAsync(() => c.PriorityAsync("rb-n3", "rb-vip"), p => p is not null, "the new leader to give rb-n3 its instance");

        var called = requests.Snapshot().Where(r => r.Kind.Client == OperatorClient.UserAgentProduct).Select(r => r.Kind).ToList();
        RbacAudit.AssertExactlyGranted(called, OperatorPermissions.All, options.Namespace, options.WatchedSecretNamespaces);
    }
}
