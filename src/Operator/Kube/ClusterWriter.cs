using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The reconciler's writes over the API: VirtualIp and VirtualServer status through the /status subresource, NodeAgentConfig specs.
/// What the server answers goes straight into the informer cache (see <see cref="Informer{T}.Remember"/>).
/// </summary>
public sealed class ClusterWriter(IKubernetes client, Informer<VirtualIp> virtualIps, Informer<NodeAgentConfig> nodeConfigs, Informer<VirtualServer> virtualServers)
    : IClusterWriter
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "keepoperator";

    public async Task WriteStatusAsync(VirtualIp vip, VirtualIpStatus status, CancellationToken cancellationToken)
    {
        var result = await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
            WholeFieldPatch("status", vip.Status, status, ApiJsonContext.Default.VirtualIpStatus), VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural, vip.Metadata.Name, cancellationToken: cancellationToken);
        virtualIps.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.VirtualIp)!);
    }

    public async Task WriteVirtualServerStatusAsync(VirtualServer server, VirtualServerStatus status, CancellationToken cancellationToken)
    {
        var result = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            WholeFieldPatch("status", server.Status, status, ApiJsonContext.Default.VirtualServerStatus), VirtualIp.Group, VirtualIp.Version, server.Metadata.Namespace, VirtualServer.Plural,
            server.Metadata.Name, cancellationToken: cancellationToken);
        virtualServers.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.VirtualServer)!);
    }

    public async Task CreateNodeAgentConfigAsync(string nodeName, NodeAgentConfigSpec spec, CancellationToken cancellationToken)
    {
        var config = new NodeAgentConfig
        {
            Metadata = new ObjectMeta { Name = nodeName, Labels = new() { [ManagedByLabel] = ManagedBy } },
            Spec = spec,
        };
        var result = await client.CustomObjects.CreateClusterCustomObjectAsync(
            JsonSerializer.SerializeToNode(config, ApiJsonContext.Default.NodeAgentConfig)!, VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, cancellationToken: cancellationToken);
        nodeConfigs.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.NodeAgentConfig)!);
    }

    public async Task UpdateNodeAgentConfigSpecAsync(NodeAgentConfig existing, NodeAgentConfigSpec spec, CancellationToken cancellationToken)
    {
        var result = await client.CustomObjects.PatchClusterCustomObjectAsync(
            WholeFieldPatch("spec", existing.Spec, spec, ApiJsonContext.Default.NodeAgentConfigSpec), VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, existing.Metadata.Name, cancellationToken: cancellationToken);
        nodeConfigs.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.NodeAgentConfig)!);
    }

    public Task DeleteNodeAgentConfigAsync(string nodeName, CancellationToken cancellationToken) =>
        DeleteClusterObjectAsync(client, NodeAgentConfig.Plural, nodeName, cancellationToken);

    /// <summary>Deletes a cluster-scoped keepoperator.io object.</summary>
    internal static Task DeleteClusterObjectAsync(IKubernetes client, string plural, string name, CancellationToken cancellationToken) =>
        IgnoringNotFoundAsync(client.CustomObjects.DeleteClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, plural, name, cancellationToken: cancellationToken));

    /// <summary>A delete whose object is already gone has reached the desired state.</summary>
    internal static async Task IgnoringNotFoundAsync(Task delete)
    {
        try
        {
            await delete;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // already gone
        }
    }

    /// <summary>
    /// A merge patch setting the whole of <paramref name="field"/> (spec or status): a merge patch keeps what it does not
    /// mention, so members that became empty (a lost master, a node's last virtual server) are nulled explicitly.
    /// </summary>
    internal static V1Patch WholeFieldPatch<T>(string field, T? previous, T value, JsonTypeInfo<T> info)
        where T : class
    {
        var body = JsonSerializer.SerializeToNode(value, info)!.AsObject();
        if (previous is not null)
        {
            foreach (var (member, _) in JsonSerializer.SerializeToNode(previous, info)!.AsObject())
            {
                if (!body.ContainsKey(member))
                {
                    body[member] = null;
                }
            }
        }

        return new V1Patch(new JsonObject { [field] = body }.ToJsonString(), V1Patch.PatchType.MergePatch);
    }
}
