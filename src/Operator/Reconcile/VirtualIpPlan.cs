namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// What the planner decided for one VirtualIp: its VRID, the conditions it can tell without agents, and the effective
/// priority of every node that runs it (empty when <see cref="Withheld"/>: not given to any agent), and the
/// metadata.generation it was planned from. <see cref="Faulted"/>: eligible nodes a failing weight-0 pods track keeps
/// the instance from (shown in the status as Fault).
/// </summary>
public sealed record VirtualIpPlan(
    long? Generation,
    int? VirtualRouterId,
    IReadOnlyList<PlannedCondition> Conditions,
    IReadOnlyDictionary<string, int> Priorities,
    bool Withheld,
    IReadOnlyList<string> Faulted);

/// <summary>Value comparison of two plans of one VirtualIp (the record's own equality compares the collections by reference).</summary>
public static class VirtualIpPlanComparer
{
    public static bool Same(VirtualIpPlan? a, VirtualIpPlan? b) =>
        ReferenceEquals(a, b)
        || (a is not null && b is not null
            && a.Generation == b.Generation
            && a.VirtualRouterId == b.VirtualRouterId
            && a.Withheld == b.Withheld
            && a.Conditions.SequenceEqual(b.Conditions)
            && a.Faulted.SequenceEqual(b.Faulted)
            && a.Priorities.Count == b.Priorities.Count
            && a.Priorities.All(p => b.Priorities.TryGetValue(p.Key, out var other) && other == p.Value));
}
