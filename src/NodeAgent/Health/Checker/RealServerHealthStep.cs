namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>One result applied: the new state, when to check next, and the verdict if this result decided one.</summary>
public readonly record struct RealServerHealthStep(RealServerHealth State, DateTimeOffset NextCheck, HealthVerdict? Verdict);
