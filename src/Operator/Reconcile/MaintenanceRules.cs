using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// Planned moves of mastership (MetalLB issue 621): a cordoned node is about to be drained, so it hands its VIPs
/// over first by dropping below every schedulable node; the preferred-master annotation moves mastership on purpose by
/// raising one node above the others. Both act on priorities only, so VRRP itself does the move.
/// </summary>
public static class MaintenanceRules
{
    public const int MinPriority = 1;
    public const int MaxPriority = 254;

    /// <param name="cordonedPriorityOffset">How far below the lowest schedulable node's priority a cordoned node goes (at least 1).</param>
    /// <param name="trackedPriorities">Each node's priority after its pods tracks (<see cref="PodTrackRule"/>); default: <see cref="VirtualIpResolver.PriorityFor"/>.</param>
    public static PriorityDecision Decide(VirtualIp vip, IReadOnlyList<NodeInfo> eligible, int cordonedPriorityOffset, IReadOnlyDictionary<string, int>? trackedPriorities = null)
    {
        var spec = vip.Spec;
        var priorities = eligible.ToDictionary(n => n.Name, n => trackedPriorities is not null && trackedPriorities.TryGetValue(n.Name, out var tracked) ? tracked : VirtualIpResolver.PriorityFor(spec, n.Name), StringComparer.Ordinal);

        var schedulable = eligible.Where(n => !n.Unschedulable).ToList();
        if (schedulable.Count > 0 && schedulable.Count < eligible.Count)
        {
            var below = Math.Max(MinPriority, schedulable.Min(n => priorities[n.Name]) - Math.Max(1, cordonedPriorityOffset));
            foreach (var node in eligible.Where(n => n.Unschedulable))
            {
                priorities[node.Name] = Math.Min(priorities[node.Name], below);
            }
        }

        var preferred = vip.Metadata.Annotations?.GetValueOrDefault(Annotations.PreferredMaster);
        if (string.IsNullOrEmpty(preferred))
        {
            return new PriorityDecision(priorities, null);
        }

        var target = eligible.FirstOrDefault(n => n.Name == preferred);
        if (target is null)
        {
            return new PriorityDecision(priorities, new(ConditionTypes.PreferredMaster, false, VirtualIpReasons.NodeNotEligible,
                $"preferred master {preferred} is not a node this VirtualIp runs on"));
        }

        if (target.Unschedulable)
        {
            return new PriorityDecision(priorities, new(ConditionTypes.PreferredMaster, false, VirtualIpReasons.NodeCordoned,
                $"preferred master {preferred} is cordoned; it hands the VIP over instead"));
        }

        var othersMax = priorities.Where(p => p.Key != preferred).Select(p => p.Value).DefaultIfEmpty(MinPriority - 1).Max();
        var raised = Math.Min(MaxPriority, Math.Max(priorities[preferred], othersMax + 1));
        priorities[preferred] = raised;
        foreach (var other in priorities.Keys.Where(k => k != preferred && priorities[k] >= raised).ToList())
        {
            priorities[other] = raised - 1; // only when others already sit at the top: keep the preferred node strictly above
        }

        var message = $"{preferred} raised to priority {raised}, above every other node";
        var condition = spec.Preempt ?? VirtualIpDefaults.Preempt
            ? new PlannedCondition(ConditionTypes.PreferredMaster, true, VirtualIpReasons.PriorityRaised, message)
            : new PlannedCondition(ConditionTypes.PreferredMaster, false, VirtualIpReasons.PreemptDisabled,
                message + ", but preempt is off: it takes over only when the current master fails");
        return new PriorityDecision(priorities, condition);
    }
}
