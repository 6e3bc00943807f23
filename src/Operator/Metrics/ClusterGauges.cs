using KeepOperator.Api;
using KeepOperator.Api.Pools;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Metrics;

/// <summary>
/// Pure: the gauges read from the objects' statuses at scrape time. Per VirtualIp, how many nodes report Master and
/// whether it is split (Ready=False, MultipleMasters: two masters, or a master hearing another); per pool and family,
/// its size and the addresses in use (from the status the operator wrote; a refused pool has none; an IPv6 /64 holds
/// more than a long, so the size saturates at long.MaxValue as the status does).
/// </summary>
public sealed record ClusterGauges(
    IReadOnlyList<(string VirtualIp, int Masters, bool SplitBrain)> VirtualIps,
    IReadOnlyList<(string Pool, string Family, long Size, long Used)> Pools)
{
    public static readonly ClusterGauges Empty = new([], []);

    public static ClusterGauges Of(IEnumerable<VirtualIp> virtualIps, IEnumerable<VirtualIpPool> pools)
    {
        ArgumentNullException.ThrowIfNull(virtualIps);
        ArgumentNullException.ThrowIfNull(pools);
        var vips = virtualIps
            .Where(v => v.Status is not null)
            .Select(v => (
                v.Metadata.Name ?? "",
                v.Status!.Nodes?.Count(n => n.State == VrrpStateNames.Master) ?? 0,
                v.Status.Conditions?.Any(c => c is { Type: ConditionTypes.Ready, Reason: VirtualIpReasons.MultipleMasters }) ?? false))
            .OrderBy(v => v.Item1, StringComparer.Ordinal)
            .ToList();
        var families = new List<(string, string, long, long)>();
        foreach (var pool in pools.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var s = pool.Status;
            foreach (var (family, assigned, available) in new[] { ("IPv4", s?.AssignedIPv4, s?.AvailableIPv4), ("IPv6", s?.AssignedIPv6, s?.AvailableIPv6) })
            {
                if (assigned is { } used && available is { } free)
                {
                    families.Add((pool.Metadata.Name ?? "", family, used > long.MaxValue - free ? long.MaxValue : used + free, used));
                }
            }
        }
        return new ClusterGauges(vips, families);
    }
}
