namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// What the planner decided for one VirtualIp: its VRID, the conditions it can tell without agents, and the effective
/// priority of every node that runs it (empty when <see cref="Withheld"/>: not given to any agent).
/// </summary>
public sealed record VirtualIpPlan(
    int? VirtualRouterId,
    IReadOnlyList<PlannedCondition> Conditions,
    IReadOnlyDictionary<string, int> Priorities,
    bool Withheld);
