using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Api.Pools;
using KeepOperator.Operator.LoadBalancer;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The load-balancer reconciler's writes: managed VirtualIps whole, a Service's status.loadBalancer through its /status
/// subresource, pool statuses. What the server answers goes straight into the informer caches.
/// </summary>
public sealed class LoadBalancerWriter(IKubernetes client, Informer<VirtualIp> virtualIps, Informer<VirtualServer> virtualServers, Informer<V1Service> services, Informer<VirtualIpPool> pools)
    : ILoadBalancerWriter
{
    public async Task CreateVirtualIpAsync(VirtualIp vip, CancellationToken cancellationToken)
    {
        var result = await client.CustomObjects.CreateClusterCustomObjectAsync(
            JsonSerializer.SerializeToNode(vip, ApiJsonContext.Default.VirtualIp)!, VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural, cancellationToken: cancellationToken);
        virtualIps.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.VirtualIp)!);
    }

    public async Task UpdateVirtualIpAsync(VirtualIp existing, VirtualIp desired, CancellationToken cancellationToken)
    {
        var patch = ClusterWriter.WholeFieldPatch("spec", existing.Spec, desired.Spec, ApiJsonContext.Default.VirtualIpSpec);
        var body = JsonNode.Parse(patch.Content.ToString()!)!.AsObject();
        body["metadata"] = new JsonObject
        {
            ["labels"] = JsonSerializer.SerializeToNode(desired.Metadata.Labels),
            ["annotations"] = JsonSerializer.SerializeToNode(desired.Metadata.Annotations),
        };
        var result = await client.CustomObjects.PatchClusterCustomObjectAsync(
            new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch), VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural, existing.Metadata.Name, cancellationToken: cancellationToken);
        virtualIps.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.VirtualIp)!);
    }

    public Task DeleteVirtualIpAsync(string name, CancellationToken cancellationToken) =>
        ClusterWriter.DeleteClusterObjectAsync(client, VirtualIp.Plural, name, cancellationToken);

    public async Task WriteVirtualServerAsync(VirtualServer? existing, VirtualServer desired, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.Namespace ?? "";
        var result = existing is null
            ? await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonSerializer.SerializeToNode(desired, ApiJsonContext.Default.VirtualServer)!, VirtualIp.Group, VirtualIp.Version, ns, VirtualServer.Plural, cancellationToken: cancellationToken)
            : await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                ClusterWriter.WholeFieldPatch("spec", existing.Spec, desired.Spec, ApiJsonContext.Default.VirtualServerSpec), VirtualIp.Group, VirtualIp.Version, ns, VirtualServer.Plural, desired.Metadata.Name, cancellationToken: cancellationToken);
        virtualServers.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.VirtualServer)!);
    }

    public Task DeleteVirtualServerAsync(string ns, string name, CancellationToken cancellationToken) =>
        ClusterWriter.IgnoringNotFoundAsync(client.CustomObjects.DeleteNamespacedCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, ns, VirtualServer.Plural, name, cancellationToken: cancellationToken));

    public async Task WriteIngressAsync(LoadBalancerService service, IReadOnlyList<ServiceIngress> ingress, CancellationToken cancellationToken)
    {
        var entries = new JsonArray([.. ingress.Select(i => (JsonNode)new JsonObject { ["ip"] = i.Address.ToString(), ["ipMode"] = i.IpMode })]);
        var body = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = ingress.Count == 0 ? null : entries } } };
        var result = await client.CoreV1.PatchNamespacedServiceStatusAsync(
            new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch), service.Name, service.Namespace, cancellationToken: cancellationToken);
        services.Remember(result);
    }

    public async Task WritePoolStatusAsync(VirtualIpPool pool, VirtualIpPoolStatus status, CancellationToken cancellationToken)
    {
        var result = await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
            ClusterWriter.WholeFieldPatch("status", pool.Status, status, ApiJsonContext.Default.VirtualIpPoolStatus), VirtualIp.Group, VirtualIp.Version, VirtualIpPool.Plural, pool.Metadata.Name, cancellationToken: cancellationToken);
        pools.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.VirtualIpPool)!);
    }
}
