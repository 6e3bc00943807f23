using KeepOperator.Api;
using KeepOperator.Api.Instances;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// Pure: whether the members of each sync group can share a master. The agents only hold a group in FAULT together
/// (keepalived's vrrp_sync_fault); for the group to be master on one node as a whole, its members must also elect
/// alike: the same eligible nodes, and the same priority on each (tracking weights are already refused in a group by
/// <see cref="VirtualIpValidator"/>). A group failing that is refused whole: a condition on every member, no instance.
/// </summary>
public static class SyncGroupCheck
{
    /// <summary>The refusal message of each member of a refused group; members of accepted groups are absent.</summary>
    /// <param name="members">Valid VirtualIps (invalid ones are not given to agents and so are no members).</param>
    public static IReadOnlyDictionary<string, string> Refusals(IEnumerable<VirtualIp> members, IReadOnlyList<NodeInfo> nodes)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(nodes);
        var refusals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in members.Where(m => m.Spec.SyncGroup is not null).GroupBy(m => m.Spec.SyncGroup!, StringComparer.Ordinal))
        {
            var sorted = group.OrderBy(Planner.Name, StringComparer.Ordinal).ToList();
            if (Disagreement(sorted, nodes) is not { } reason)
            {
                continue;
            }

            foreach (var member in sorted)
            {
                refusals[Planner.Name(member)] = $"sync group \"{group.Key}\" ({string.Join(", ", sorted.Select(Planner.Name))}) cannot share a master: {reason}; none of its members is given to agents";
            }
        }

        return refusals;
    }

    private static string? Disagreement(IReadOnlyList<VirtualIp> members, IReadOnlyList<NodeInfo> nodes)
    {
        string Eligible(VirtualIp vip) => string.Join(",", nodes.Where(n => n.IsEligibleFor(vip.Spec)).Select(n => n.Name));
        var eligible = members.Select(m => (Name: Planner.Name(m), Nodes: Eligible(m))).ToList();
        if (eligible.Select(e => e.Nodes).Distinct().Count() > 1)
        {
            return "their nodeSelectors pick different nodes (" + string.Join("; ", eligible.Select(e => $"{e.Name}: [{e.Nodes}]")) + ")";
        }

        foreach (var node in nodes.Where(n => n.IsEligibleFor(members[0].Spec)))
        {
            var priorities = members.Select(m => (Name: Planner.Name(m), Priority: VirtualIpResolver.PriorityFor(m.Spec, node.Name))).ToList();
            if (priorities.Select(p => p.Priority).Distinct().Count() > 1)
            {
                return $"their priorities on node {node.Name} differ (" + string.Join(", ", priorities.Select(p => $"{p.Name}: {p.Priority}")) + ")";
            }
        }

        return members.Select(m => m.Spec.Preempt ?? VirtualIpDefaults.Preempt).Distinct().Count() > 1 ? "some members preempt and some do not" : null;
    }
}
