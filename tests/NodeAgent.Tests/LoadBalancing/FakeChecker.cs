using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.LoadBalancing;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>A health checker whose verdicts the test raises.</summary>
internal sealed class FakeChecker : IRealServerChecker
{
    private volatile IReadOnlyList<RealServerCheck> _checks = [];

    public event Action<RealServerHealthChange>? HealthChanged;

    public event Action<RealServerCheck, DateTimeOffset>? Checked;

    public IReadOnlyList<RealServerCheck> Checks => _checks;

    public void UpdateChecks(IReadOnlyList<RealServerCheck> checks) => _checks = checks;

    public void Raise(RealServerHealthChange change) => HealthChanged?.Invoke(change);

    public void Complete(RealServerCheck check, DateTimeOffset at) => Checked?.Invoke(check, at);
}
