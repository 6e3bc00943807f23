namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>One finished check attempt (success or failure, verdict or not): what the latency metrics count.</summary>
public readonly record struct RealServerCheckCompletion(RealServerCheck Check, bool Success, TimeSpan Latency, DateTimeOffset At);
