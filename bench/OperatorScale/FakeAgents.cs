using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Bench.OperatorScale;

/// <summary>
/// Plays every node's agent: reads the NodeAgentConfigs and reports, per instance, Master on the node with the highest
/// priority (ties: lowest name) and Backup elsewhere, as VRRP would settle; re-reports when that changes and as heartbeat.
/// </summary>
internal sealed class FakeAgents(IKubernetes client, TimeSpan poll, TimeSpan heartbeat)
{
    public long StatusWrites { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReportOnceAsync(cancellationToken);
                await Task.Delay(poll, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReportOnceAsync(CancellationToken cancellationToken)
    {
        var list = (JsonElement)await client.CustomObjects.ListClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, cancellationToken: cancellationToken);
        var configs = list.GetProperty("items").EnumerateArray().Select(i => i.Deserialize(ApiJsonContext.Default.NodeAgentConfig)!).ToList();
        var masters = configs
            .SelectMany(c => c.Spec.Instances.Select(i => (Vip: i.Name, Node: c.Metadata.Name!, Priority: i.Priority)))
            .GroupBy(x => x.Vip)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.Priority).ThenBy(x => x.Node, StringComparer.Ordinal).First().Node);

        var now = DateTimeOffset.UtcNow;
        foreach (var config in configs)
        {
            var node = config.Metadata.Name!;
            var desired = config.Spec.Instances.Select(i => (i.Name, State: masters[i.Name] == node ? VrrpStateNames.Master : VrrpStateNames.Backup)).ToList();
            var reported = config.Status?.Instances?.Select(i => (i.Name, i.State)).ToList() ?? [];
            var fresh = config.Status?.LastHeartbeatTime is { } beat && now - beat < heartbeat;
            if (fresh && desired.SequenceEqual(reported))
            {
                continue;
            }

            var status = new NodeAgentConfigStatus
            {
                ObservedGeneration = config.Metadata.Generation,
                LastHeartbeatTime = now,
                Instances = config.Spec.Instances.Select((i, n) => new NodeInstanceStatus
                {
                    Name = i.Name,
                    State = desired[n].State,
                    Priority = i.Priority,
                    EffectivePriority = i.Priority,
                    LastTransitionTime = now,
                }).ToList(),
            };
            var patch = new JsonObject { ["status"] = JsonSerializer.SerializeToNode(status, ApiJsonContext.Default.NodeAgentConfigStatus) };
            await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, node, cancellationToken: cancellationToken);
            StatusWrites++;
        }
    }
}
