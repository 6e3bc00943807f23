namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// Which keys a new plan touches: a VirtualIp or VirtualServer whose plan changed (and every node it was or is on), and nodes that
/// appeared or went. The rest of the cluster is left alone, so one new VirtualIp costs a few keys, not all of them.
/// </summary>
public static class PlanDiff
{
    public static IReadOnlySet<ReconcileKey> Changed(Plan? old, Plan updated)
    {
        var keys = new HashSet<ReconcileKey>();
        foreach (var node in updated.NodeConfigs.Keys.Where(n => old?.NodeConfigs.ContainsKey(n) != true)
            .Concat(old?.NodeConfigs.Keys.Where(n => !updated.NodeConfigs.ContainsKey(n)) ?? []))
        {
            keys.Add(ReconcileKey.Node(node));
        }

        AddChanged(keys, old?.VirtualIps, updated.VirtualIps, VirtualIpPlanComparer.Same, ReconcileKey.VirtualIp, p => p.Priorities.Keys);
        AddChanged(keys, old?.VirtualServers, updated.VirtualServers, VirtualServerPlanComparer.Same, ReconcileKey.VirtualServer, p => p.Nodes);
        return keys;
    }

    /// <summary>Each object whose plan changed: its own key and every node it was or is on.</summary>
    private static void AddChanged<TPlan>(
        HashSet<ReconcileKey> keys,
        IReadOnlyDictionary<string, TPlan>? old,
        IReadOnlyDictionary<string, TPlan> updated,
        Func<TPlan?, TPlan?, bool> same,
        Func<string, ReconcileKey> keyOf,
        Func<TPlan, IEnumerable<string>> nodesOf)
        where TPlan : class
    {
        foreach (var name in updated.Keys.Union(old?.Keys ?? [], StringComparer.Ordinal))
        {
            var before = old?.GetValueOrDefault(name);
            var after = updated.GetValueOrDefault(name);
            if (same(before, after))
            {
                continue;
            }

            keys.Add(keyOf(name));
            foreach (var node in (before is null ? [] : nodesOf(before)).Concat(after is null ? [] : nodesOf(after)))
            {
                keys.Add(ReconcileKey.Node(node));
            }
        }
    }
}
