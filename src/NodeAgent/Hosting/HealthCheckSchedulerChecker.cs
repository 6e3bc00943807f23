using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.LoadBalancing;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>The host's <see cref="HealthCheckScheduler"/> as the load balancer's checker.</summary>
public sealed class HealthCheckSchedulerChecker : IRealServerChecker
{
    private readonly HealthCheckScheduler _scheduler;

    public HealthCheckSchedulerChecker(HealthCheckScheduler scheduler)
    {
        _scheduler = scheduler;
        scheduler.HealthChanged += change => HealthChanged?.Invoke(change);
        scheduler.CheckCompleted += completion => Checked?.Invoke(completion.Check, completion.At);
    }

    public event Action<RealServerHealthChange>? HealthChanged;

    public event Action<RealServerCheck, DateTimeOffset>? Checked;

    public void UpdateChecks(IReadOnlyList<RealServerCheck> checks) => _scheduler.UpdateChecks(checks);
}
