using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Bench.OperatorScale;

/// <summary>
/// Plays every node's agent as the real one reports (NodeStatusReporter, NodeStatusBuilder): per instance, Master on the
/// node with the highest priority (ties: lowest name) and Backup elsewhere, as VRRP would settle; a node's status is
/// patched when what it reports changed and as a heartbeat every <c>heartbeat</c>, and an instance's lastTransitionTime
/// moves only when its state does. One watch over all NodeAgentConfigs stands in for the agents' per-node watches,
/// and up to <see cref="Parallel"/> patches are in flight at once, as independent agents' would be.
/// </summary>
internal sealed class FakeAgents(IKubernetes client, TimeSpan poll, TimeSpan heartbeat)
{
    private const int Parallel = 16;
    private readonly ConcurrentDictionary<string, NodeAgentConfig> configs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reported> reported = new(StringComparer.Ordinal);
    private long statusWrites;

    public long StatusWrites => Interlocked.Read(ref statusWrites);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var watching = WatchAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReportOnceAsync(cancellationToken);
                await Task.Delay(poll, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await watching;
    }

    private Task WatchAsync(CancellationToken cancellationToken) =>
        ListThenWatch.RunAsync(client, NodeAgentConfig.Plural, ApiJsonContext.Default.NodeAgentConfig, Note, cancellationToken);

    private void Note(WatchEventType type, NodeAgentConfig config)
    {
        if (type == WatchEventType.Deleted)
        {
            configs.TryRemove(config.Metadata.Name!, out _);
        }
        else
        {
            configs[config.Metadata.Name!] = config;
        }
    }

    private async Task ReportOnceAsync(CancellationToken cancellationToken)
    {
        var snapshot = configs.Values.ToList();
        var masters = snapshot
            .SelectMany(c => c.Spec.Instances.Select(i => (Vip: i.Name, Node: c.Metadata.Name!, i.Priority)))
            .GroupBy(x => x.Vip)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.Priority).ThenBy(x => x.Node, StringComparer.Ordinal).First().Node);

        var now = DateTimeOffset.UtcNow;
        var due = new List<(string Node, NodeAgentConfigStatus Status, Reported Next)>();
        foreach (var config in snapshot)
        {
            var node = config.Metadata.Name!;
            var states = config.Spec.Instances.Select(i => (i.Name, State: masters[i.Name] == node ? VrrpStateNames.Master : VrrpStateNames.Backup)).ToList();
            var last = reported.GetValueOrDefault(node);
            if (last is not null && last.Generation == config.Metadata.Generation && now - last.At < heartbeat && last.States.SequenceEqual(states))
            {
                continue;
            }

            var transitions = states.ToDictionary(
                s => s.Name,
                s => last?.States.Contains(s) == true ? last.Transitions[s.Name] : now,
                StringComparer.Ordinal);
            var status = new NodeAgentConfigStatus
            {
                ObservedGeneration = config.Metadata.Generation,
                LastHeartbeatTime = now,
                Instances = config.Spec.Instances.Select((i, n) => new NodeInstanceStatus
                {
                    Name = i.Name,
                    State = states[n].State,
                    Priority = i.Priority,
                    EffectivePriority = i.Priority,
                    LastTransitionTime = transitions[i.Name],
                }).ToList(),
                ForeignRouters = [],
            };
            due.Add((node, status, new Reported(config.Metadata.Generation, now, states, transitions)));
        }

        await System.Threading.Tasks.Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (d, token) =>
        {
            var patch = new JsonObject { ["status"] = JsonSerializer.SerializeToNode(d.Status, ApiJsonContext.Default.NodeAgentConfigStatus) };
            await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, d.Node, cancellationToken: token);
            Interlocked.Increment(ref statusWrites);
        });
        foreach (var d in due)
        {
            reported[d.Node] = d.Next;
        }
    }

    /// <summary>What a node last reported: for which spec generation, when, each instance's state and since when.</summary>
    private sealed record Reported(long? Generation, DateTimeOffset At, List<(string Name, string State)> States, Dictionary<string, DateTimeOffset> Transitions);
}
