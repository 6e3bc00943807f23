using KeepOperator.Api;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>Pure: the NodeAgentConfig status this node reports, from what it was told to run and what runs.</summary>
public static class NodeStatusBuilder
{
    public const string Master = "Master";
    public const string Backup = "Backup";
    public const string Fault = "Fault";
    public const string Stopped = "Stopped";

    /// <param name="configured">Instance names in the order of the applied spec.</param>
    /// <param name="running">The loop's snapshots by name.</param>
    /// <param name="errors">Instances that could not be started, with why (configuration or host errors).</param>
    public static NodeAgentConfigStatus Build(
        IReadOnlyList<string> configured,
        IReadOnlyDictionary<string, InstanceSnapshot> running,
        IReadOnlyDictionary<string, string> errors,
        long? observedGeneration,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(errors);
        var instances = new List<NodeInstanceStatus>(configured.Count);
        foreach (var name in configured)
        {
            if (running.TryGetValue(name, out var s))
            {
                instances.Add(new NodeInstanceStatus
                {
                    Name = name,
                    State = StateName(s.State),
                    Priority = s.Priority,
                    EffectivePriority = s.EffectivePriority,
                    LastTransitionTime = s.LastTransitionTime,
                    Message = s.Message,
                });
            }
            else
            {
                instances.Add(new NodeInstanceStatus
                {
                    Name = name,
                    State = Stopped,
                    Message = errors.TryGetValue(name, out var error) ? error : "not running",
                });
            }
        }

        return new NodeAgentConfigStatus
        {
            ObservedGeneration = observedGeneration,
            LastHeartbeatTime = now,
            Instances = instances,
        };
    }

    /// <summary>Initialize is the moment before Startup: not running yet.</summary>
    public static string StateName(VrrpState state) => state switch
    {
        VrrpState.Master => Master,
        VrrpState.Backup => Backup,
        VrrpState.Fault => Fault,
        _ => Stopped,
    };
}
