using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The nftables dataplane (one table of ours; incremental transactions) behind the load balancer's interface.</summary>
public sealed class NftablesLoadBalancingDataplane(INftablesRunner runner) : ILoadBalancingDataplane
{
    private readonly NftablesDataplane _dataplane = new(runner);

    public DataplaneKind Kind => DataplaneKind.Nftables;

    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<LoadBalancedService> desired, CancellationToken cancellationToken)
    {
        var plan = await _dataplane.ApplyAsync(desired, cancellationToken).ConfigureAwait(false);
        return plan.Script.Notes;
    }

    /// <summary>Deletes our table, which holds every service this agent programs.</summary>
    public Task RemoveAsync(IReadOnlyCollection<ServiceKey> configured, CancellationToken cancellationToken) => _dataplane.RemoveAsync(cancellationToken);
}
