namespace KeepOperator.Api.Pools;

/// <summary>
/// Pools that share an address: the one created later (then the later name) is refused, so a new pool can never take
/// addresses from one already handing them out.
/// </summary>
public static class PoolOverlaps
{
    /// <summary>For each refused pool, the pool it overlaps and where.</summary>
    public static IReadOnlyDictionary<string, string> Find(IEnumerable<VirtualIpPool> pools)
    {
        var accepted = new List<(string Name, IReadOnlyList<AddressRange> Ranges)>();
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pool in pools.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var name = pool.Metadata.Name ?? "";
            var ranges = VirtualIpPoolValidator.Ranges(pool);
            var clash = accepted.SelectMany(a => a.Ranges.Select(r => (a.Name, Range: r)))
                .SelectMany(a => ranges.Where(r => r.Overlaps(a.Range)).Select(r => (a.Name, Theirs: a.Range, Ours: r)))
                .FirstOrDefault();
            if (clash.Name is not null)
            {
                refused[name] = $"{clash.Ours} overlaps {clash.Theirs} of VirtualIpPool {clash.Name}";
                continue;
            }
            accepted.Add((name, ranges));
        }
        return refused;
    }
}
