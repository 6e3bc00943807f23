using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// Pure choice between rewriting our whole table and touching only the virtual servers whose real
/// servers (the common case: a health check flips one) or scheduler changed.
/// </summary>
public static class NftablesPlanner
{
    /// <param name="applied">What the table was last rendered from, or null when unknown (first run, or after a failed run).</param>
    /// <param name="desired">The virtual servers wanted now, each listing its healthy real servers.</param>
    /// <returns>
    /// Full when nothing is known or the virtual servers, their order (first match wins in the
    /// services chain) or any of their settings other than real servers and scheduler changed;
    /// otherwise incremental for the virtual servers whose slots or chain rules changed, or none.
    /// </returns>
    /// <exception cref="ArgumentException">The desired set cannot be rendered (see <see cref="NftablesRulesetRenderer.RenderFull"/>).</exception>
    public static NftablesPlan Plan(IReadOnlyList<LoadBalancedService>? applied, IReadOnlyList<LoadBalancedService> desired)
    {
        var after = NftablesRulesetRenderer.Layouts(desired);
        if (applied is null || applied.Count != desired.Count)
        {
            return Full(desired);
        }
        var before = NftablesRulesetRenderer.Layouts(applied);
        var changes = new List<(LoadBalancedService, LoadBalancedService)>();
        for (int i = 0; i < desired.Count; i++)
        {
            if (!NftablesRulesetRenderer.CanUpdateInPlace(before[i], after[i]))
            {
                return Full(desired);
            }
            if (!before[i].Slots.SequenceEqual(after[i].Slots)
                || !before[i].ChainRules.SequenceEqual(after[i].ChainRules)
                || !before[i].Values.SetEquals(after[i].Values))
            {
                changes.Add((applied[i], desired[i]));
            }
        }
        return changes.Count == 0
            ? new NftablesPlan(NftablesPlanKind.None, new NftablesScript("", []))
            : new NftablesPlan(NftablesPlanKind.Incremental, NftablesRulesetRenderer.RenderUpdate(changes));
    }

    private static NftablesPlan Full(IReadOnlyList<LoadBalancedService> desired) =>
        new(NftablesPlanKind.Full, NftablesRulesetRenderer.RenderFull(desired));
}
