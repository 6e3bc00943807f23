namespace KeepOperator.Operator.Reconcile;

/// <summary>Each eligible node's effective priority, and the PreferredMaster condition when the annotation is set.</summary>
public sealed record PriorityDecision(IReadOnlyDictionary<string, int> Priorities, PlannedCondition? PreferredMaster);
