using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// The load-balancing dataplane on nftables: remembers what it last applied and runs the smallest
/// transaction that reaches the desired state. Calls must not overlap (the agent's event loop
/// serialises them).
/// </summary>
public sealed class NftablesDataplane(INftablesRunner runner)
{
    private IReadOnlyList<LoadBalancedService>? _applied;

    /// <summary>Makes our table serve <paramref name="desired"/>. The plan's notes are for the caller to log.</summary>
    /// <exception cref="NftablesException">nft rejected the script; the next call renders the full table.</exception>
    public async Task<NftablesPlan> ApplyAsync(IReadOnlyList<LoadBalancedService> desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var snapshot = desired.ToArray();
        var plan = NftablesPlanner.Plan(_applied, snapshot);
        if (plan.Kind == NftablesPlanKind.None)
        {
            return plan;
        }
        // Until nft confirms, the table's content is unknown: a failure or cancellation leads to a full render.
        _applied = null;
        await runner.RunAsync(plan.Script.Text, cancellationToken).ConfigureAwait(false);
        _applied = snapshot;
        return plan;
    }

    /// <summary>Deletes our table (and nothing else); the next apply renders the full table.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        _applied = null;
        await runner.RunAsync(NftablesRulesetRenderer.RenderRemove(), cancellationToken).ConfigureAwait(false);
    }
}
