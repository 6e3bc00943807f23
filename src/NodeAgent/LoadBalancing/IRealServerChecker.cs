using KeepOperator.NodeAgent.Health.Checker;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The real-server health checker as the load balancer uses it (<see cref="HealthCheckScheduler"/> on the host).</summary>
public interface IRealServerChecker
{
    /// <summary>Verdicts (a change, or the first result's decision), raised on the checker's thread.</summary>
    event Action<RealServerHealthChange>? HealthChanged;

    /// <summary>Every finished check, raised on the checker's thread: when each real server was last checked.</summary>
    event Action<RealServerCheck, DateTimeOffset>? Checked;

    /// <summary>The checks to run from now on: an equal check keeps its state and schedule, new ones start, removed ones stop.</summary>
    void UpdateChecks(IReadOnlyList<RealServerCheck> checks);
}
