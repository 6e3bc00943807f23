using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// A VirtualIp's status from its plan and what the agents report in their NodeAgentConfig status. A node counts only
/// while its heartbeat is fresh: a node that stopped reporting may hold nothing any more. A Master claim is also
/// stale once another node reports a later transition to Master than the claimant's last heartbeat: the claimant
/// has not spoken since the takeover (a killed agent), so its old word is not shown as a second master; a claimant
/// that really is still master reports again within its heartbeat, and both then show as MultipleMasters. A master
/// that reports hearing another master's adverts (the agent's own view of a split) is MultipleMasters too.
/// </summary>
public static class StatusAggregator
{
    public static VirtualIpStatus Aggregate(
        VirtualIp vip,
        VirtualIpPlan plan,
        Func<string, NodeAgentConfig?> configOf,
        DateTimeOffset now,
        TimeSpan heartbeatTimeout)
    {
        var name = Planner.Name(vip);
        var nodes = new List<VirtualIpNodeStatus>();
        var heartbeats = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var reporting = 0;
        var otherMasters = new List<string>();
        foreach (var node in plan.Faulted)
        {
            nodes.Add(new VirtualIpNodeStatus { Name = node, State = VrrpStateNames.Fault }); // runs no instance: nothing to report
        }

        foreach (var (node, priority) in plan.Priorities)
        {
            var status = configOf(node)?.Status;
            var live = status?.LastHeartbeatTime is { } beat && now - beat <= heartbeatTimeout;
            var reported = live ? status!.Instances?.FirstOrDefault(i => i.Name == name) : null;
            if (reported is not null)
            {
                heartbeats[node] = status!.LastHeartbeatTime!.Value;
            }
            reporting += reported is null ? 0 : 1;
            if (reported?.OtherMaster is { } other)
            {
                otherMasters.Add($"{node} hears another master at {other}");
            }
            nodes.Add(new VirtualIpNodeStatus
            {
                Name = node,
                State = reported?.State ?? VrrpStateNames.Unknown,
                Priority = priority,
                EffectivePriority = reported?.EffectivePriority,
                LastTransitionTime = reported?.LastTransitionTime,
                Message = reported?.Message,
            });
        }

        nodes.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var latestTakeover = nodes.Where(n => n.State == VrrpStateNames.Master).Max(n => n.LastTransitionTime);
        foreach (var node in nodes)
        {
            // Timestamps are whole seconds: a heartbeat in the takeover's second is no proof of life after it.
            if (node.State == VrrpStateNames.Master && latestTakeover is { } takeover && node.LastTransitionTime < takeover && heartbeats[node.Name!] <= takeover)
            {
                node.State = VrrpStateNames.Unknown;
            }
        }

        var masters = nodes.Where(n => n.State == VrrpStateNames.Master).Select(n => n.Name!).ToList();
        var planned = plan.Conditions.ToList();
        planned.Add(Ready(plan, masters, nodes.Count, reporting, otherMasters));

        var generation = vip.Metadata.Generation;
        return new VirtualIpStatus
        {
            VirtualRouterId = plan.VirtualRouterId,
            Master = masters.Count == 1 ? masters[0] : null,
            Backups = nodes.Where(n => n.State == VrrpStateNames.Backup).Select(n => n.Name!).ToList(),
            Nodes = nodes,
            Conditions = planned.Select(c => ToCondition(c, vip.Status?.Conditions, generation, now)).ToList(),
            ObservedGeneration = generation,
        };
    }

    /// <param name="otherMasters">The agents' own reports of another master's adverts (a master outside the cluster, or one whose status is not fresh, shows only there).</param>
    private static PlannedCondition Ready(VirtualIpPlan plan, List<string> masters, int nodeCount, int reporting, List<string> otherMasters)
    {
        if (plan.Withheld)
        {
            var why = plan.Conditions.First(c => c.Status && c.Type != ConditionTypes.PreferredMaster);
            return new(ConditionTypes.Ready, false, why.Reason, "not given to agents: " + why.Message);
        }

        return (nodeCount, masters.Count) switch
        {
            (0, _) => new(ConditionTypes.Ready, false, VirtualIpReasons.NoEligibleNodes, "no node is eligible (spec.nodeSelector, spec.nodeNames)"),
            (_, 1) when otherMasters.Count > 0 => new(ConditionTypes.Ready, false, VirtualIpReasons.MultipleMasters, $"{masters[0]} reports Master; {string.Join(", ", otherMasters)}"),
            (_, 1) => new(ConditionTypes.Ready, true, VirtualIpReasons.MasterElected, $"{masters[0]} is master"),
            (_, 0) => new(ConditionTypes.Ready, false, VirtualIpReasons.NoMaster, $"no live node reports Master ({reporting} of {nodeCount} nodes reporting)"),
            _ => new(ConditionTypes.Ready, false, VirtualIpReasons.MultipleMasters, $"{string.Join(", ", masters)} all report Master"),
        };
    }

    /// <summary>metav1.Condition semantics: lastTransitionTime moves only when the status flips.</summary>
    public static Condition ToCondition(PlannedCondition planned, List<Condition>? previous, long? generation, DateTimeOffset now)
    {
        var status = planned.Status ? "True" : "False";
        var old = previous?.FirstOrDefault(c => c.Type == planned.Type);
        return new Condition
        {
            Type = planned.Type,
            Status = status,
            ObservedGeneration = generation,
            LastTransitionTime = old is not null && old.Status == status && old.LastTransitionTime is { } t ? t : now,
            Reason = planned.Reason,
            Message = planned.Message,
        };
    }
}
