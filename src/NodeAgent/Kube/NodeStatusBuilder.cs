using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>Pure: the NodeAgentConfig status this node reports, from what it was told to run and what runs.</summary>
public static class NodeStatusBuilder
{
    /// <param name="configured">Instance names in the order of the applied spec.</param>
    /// <param name="running">The loop's snapshots by name.</param>
    /// <param name="errors">Instances that could not be started, with why (configuration or host errors).</param>
    /// <param name="loadBalancing">The virtual servers' state; null when the agent runs none.</param>
    /// <param name="virtualServerErrors">Virtual servers (namespace/name) that could not be programmed, with why.</param>
    /// <param name="foreignRouters">Routers heard for VRIDs this node does not run on their interface.</param>
    public static NodeAgentConfigStatus Build(
        IReadOnlyList<string> configured,
        IReadOnlyDictionary<string, InstanceSnapshot> running,
        IReadOnlyDictionary<string, string> errors,
        long? observedGeneration,
        DateTimeOffset now,
        LoadBalancerStatus? loadBalancing = null,
        DataplaneChoice? dataplane = null,
        string? kubeProxyWarning = null,
        IReadOnlyDictionary<string, string>? virtualServerErrors = null,
        IReadOnlyList<(ForeignRouter Router, DateTimeOffset LastHeard)>? foreignRouters = null)
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
                    OtherMaster = s.OtherMaster is { IsConfirmed: true } other && other.IsCurrent(now) ? other.Source.ToString() : null,
                    OtherMasterLastHeard = s.OtherMaster is { IsConfirmed: true } heard && heard.IsCurrent(now) ? heard.LastHeard : null,
                });
            }
            else
            {
                instances.Add(new NodeInstanceStatus
                {
                    Name = name,
                    State = VrrpStateNames.Stopped,
                    Message = errors.TryGetValue(name, out var error) ? error : "not running",
                });
            }
        }

        var status = new NodeAgentConfigStatus
        {
            ObservedGeneration = observedGeneration,
            LastHeartbeatTime = now,
            Instances = instances,
            // An empty list, not null: a merge patch must clear routers no longer heard.
            ForeignRouters = [.. (foreignRouters ?? []).Select(f => new ForeignRouterStatus
            {
                Interface = f.Router.Interface,
                Family = f.Router.Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4",
                VirtualRouterId = f.Router.VirtualRouterId,
                Source = f.Router.Source.ToString(),
                Version = f.Router.Version,
                LastHeard = f.LastHeard,
            })],
        };
        if (loadBalancing is null)
        {
            return status;
        }

        status.Dataplane = dataplane?.ToString();
        status.VirtualServers = [.. loadBalancing.VirtualServers];
        var conditions = new List<Condition>();
        if (loadBalancing.ForwardingProblems.Count > 0)
        {
            conditions.Add(new Condition { Type = ConditionTypes.IpForwarding, Status = "False", Reason = NodeAgentConfigReasons.IpForwardingOff, Message = string.Join(" ", loadBalancing.ForwardingProblems) });
        }

        if (kubeProxyWarning is not null)
        {
            conditions.Add(new Condition { Type = ConditionTypes.KubeProxyIpvsConflict, Status = "True", Reason = NodeAgentConfigReasons.KubeProxyIpvsMode, Message = kubeProxyWarning });
        }

        if (virtualServerErrors is { Count: > 0 })
        {
            conditions.Add(new Condition
            {
                Type = ConditionTypes.VirtualServersValid,
                Status = "False",
                Reason = NodeAgentConfigReasons.InvalidVirtualServer,
                Message = string.Join("; ", virtualServerErrors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}")),
            });
        }

        // An empty list, not null: a merge patch must clear the conditions that no longer hold.
        status.Conditions = conditions;
        return status;
    }

    /// <summary>Initialize is the moment before Startup: not running yet.</summary>
    public static string StateName(VrrpState state) => state switch
    {
        VrrpState.Master => VrrpStateNames.Master,
        VrrpState.Backup => VrrpStateNames.Backup,
        VrrpState.Fault => VrrpStateNames.Fault,
        _ => VrrpStateNames.Stopped,
    };
}
