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

        foreach (var name in updated.VirtualIps.Keys.Union(old?.VirtualIps.Keys ?? [], StringComparer.Ordinal))
        {
            var before = old?.VirtualIps.GetValueOrDefault(name);
            var after = updated.VirtualIps.GetValueOrDefault(name);
            if (VirtualIpPlanComparer.Same(before, after))
            {
                continue;
            }

            keys.Add(ReconcileKey.VirtualIp(name));
            foreach (var node in (before?.Priorities.Keys ?? []).Concat(after?.Priorities.Keys ?? []))
            {
                keys.Add(ReconcileKey.Node(node));
            }
        }

        foreach (var key in updated.VirtualServers.Keys.Union(old?.VirtualServers.Keys ?? [], StringComparer.Ordinal))
        {
            var before = old?.VirtualServers.GetValueOrDefault(key);
            var after = updated.VirtualServers.GetValueOrDefault(key);
            if (VirtualServerPlanComparer.Same(before, after))
            {
                continue;
            }

            keys.Add(ReconcileKey.VirtualServer(key));
            foreach (var node in (before?.Nodes ?? []).Concat(after?.Nodes ?? []))
            {
                keys.Add(ReconcileKey.Node(node));
            }
        }

        return keys;
    }
}
