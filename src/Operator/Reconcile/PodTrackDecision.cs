namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// The outcome of <see cref="PodTrackRule.Decide"/> for one VirtualIp: the priority of each eligible node after its
/// pods tracks (nodes in <see cref="Faulted"/> excluded), the nodes a failing weight-0 track puts in FAULT, and the
/// TrackFailing condition (null when the VirtualIp has no pods track).
/// </summary>
public sealed record PodTrackDecision(IReadOnlyDictionary<string, int> Priorities, IReadOnlyList<string> Faulted, PlannedCondition? Condition);
