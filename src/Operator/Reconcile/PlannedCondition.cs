namespace KeepOperator.Operator.Reconcile;

/// <summary>A condition as decided by the planner; the aggregator adds times and observedGeneration.</summary>
public sealed record PlannedCondition(string Type, bool Status, string Reason, string Message);
