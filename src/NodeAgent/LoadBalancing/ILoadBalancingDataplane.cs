using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Programs the virtual servers into the kernel. Each call brings the kernel from what was applied last to
/// <c>desired</c>, touching only what differs. Calls never overlap (the load balancer's loop serialises them).
/// </summary>
public interface ILoadBalancingDataplane
{
    DataplaneKind Kind { get; }

    /// <returns>Remarks to log (what this dataplane cannot reproduce exactly).</returns>
    Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<LoadBalancedService> desired, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what this agent programmed (clean shutdown), and nothing else. <paramref name="configured"/> counts as
    /// programmed: an agent restarted after kill -9 and stopped before its first update must still take away the
    /// services its earlier run left.
    /// </summary>
    Task RemoveAsync(IReadOnlyCollection<ServiceKey> configured, CancellationToken cancellationToken);
}
