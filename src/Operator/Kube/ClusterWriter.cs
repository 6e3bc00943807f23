using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The reconciler's writes over the API: VirtualIp status through the /status subresource, NodeAgentConfig specs.
/// What the server answers goes straight into the informer cache (see <see cref="Informer{T}.Remember"/>).
/// </summary>
public sealed class ClusterWriter(IKubernetes client, Informer<VirtualIp> virtualIps, Informer<NodeAgentConfig> nodeConfigs) : IClusterWriter
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "keepoperator";

    public async Task WriteStatusAsync(VirtualIp vip, VirtualIpStatus status, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToNode(status, ApiJsonContext.Default.VirtualIpStatus)!.AsObject();
        if (vip.Status is not null)
        {
            // A merge patch keeps what it does not mention: fields that became empty (master) must be nulled explicitly.
            foreach (var (field, _) in JsonSerializer.SerializeToNode(vip.Status, ApiJsonContext.Default.VirtualIpStatus)!.AsObject())
            {
                if (!body.ContainsKey(field))
                {
                    body[field] = null;
                }
            }
        }

        var patch = new JsonObject { ["status"] = body };
        var result = await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural, vip.Metadata.Name, cancellationToken: cancellationToken);
        virtualIps.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.VirtualIp)!);
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
        var patch = new JsonObject { ["spec"] = JsonSerializer.SerializeToNode(spec, ApiJsonContext.Default.NodeAgentConfigSpec) };
        var result = await client.CustomObjects.PatchClusterCustomObjectAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, existing.Metadata.Name, cancellationToken: cancellationToken);
        nodeConfigs.Remember(((JsonElement)result).Deserialize(ApiJsonContext.Default.NodeAgentConfig)!);
    }

    public async Task DeleteNodeAgentConfigAsync(string nodeName, CancellationToken cancellationToken)
    {
        try
        {
            await client.CustomObjects.DeleteClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, nodeName, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // already gone: that is the desired state
        }
    }
}
