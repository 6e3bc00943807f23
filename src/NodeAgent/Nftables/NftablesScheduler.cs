using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// Maps an IPVS scheduler onto what an nftables NAT rule can do: pick a slot of a map by a
/// counter (<c>numgen inc</c>), a hash (<c>jhash</c>) or at random (<c>numgen random</c>), where the
/// slots list the real servers, repeated in proportion to their weights where the scheduler weighs.
/// </summary>
/// <remarks>
/// nftables keeps no per-backend connection counts, so the connection-counting schedulers can only
/// be approximated; the rule then carries a comment that says so.
/// <list type="table">
/// <item><term>rr</term><description>numgen inc, each server once: exact.</description></item>
/// <item><term>wrr</term><description>numgen inc over one full cycle of IPVS's wrr sequence: exact.</description></item>
/// <item><term>sh, mh</term><description>jhash of the source address (with the source port under sh-port/mh-port), weighted slots: same stickiness, another hash, so all clients may move when the set changes.</description></item>
/// <item><term>dh</term><description>jhash of the destination address, weighted slots.</description></item>
/// <item><term>fo</term><description>one slot, the first server of the highest weight: exact.</description></item>
/// <item><term>lc, nq</term><description>numgen random, each server once: approximation.</description></item>
/// <item><term>wlc, sed, lblc, lblcr, ovf, others</term><description>numgen random, weighted slots: approximation.</description></item>
/// </list>
/// Weight 0 servers get no slot (no new connections); established connections keep their
/// conntrack NAT binding, as IPVS keeps its connection entries.
/// </remarks>
internal static class NftablesScheduler
{
    /// <summary>
    /// Upper bound on a weighted slot table: weights reduced by their gcd that still sum past it are
    /// scaled down, so a 65535:1 service does not produce a 65536-element map.
    /// </summary>
    public const int MaxSlots = 1024;

    /// <summary>How one virtual server picks a slot.</summary>
    /// <param name="Slots">The slot table: index i holds this real server.</param>
    /// <param name="Selector">The nft expression before <c>mod N</c>, with <c>{saddr}</c> / <c>{daddr}</c> standing for the family's address fields.</param>
    /// <param name="IsHash">True for jhash selectors (they take a seed after <c>mod N</c>).</param>
    /// <param name="Comment">Rule comment for approximations; null when the mapping is exact.</param>
    /// <param name="Notes">Human-readable remarks about this mapping (approximation, scaled weights).</param>
    public sealed record Mapping(
        IReadOnlyList<ServiceDestination> Slots,
        string Selector,
        bool IsHash,
        string? Comment,
        IReadOnlyList<string> Notes);

    public static Mapping Map(VirtualService service, IReadOnlyList<ServiceDestination> destinations)
    {
        var live = destinations.Where(d => d.Weight > 0).ToList();
        var notes = new List<string>();
        bool port = (service.Flags & ServiceFlags.Sched2) != 0;
        string sourceHash = port ? "jhash {saddr} . th sport" : "jhash {saddr}";
        string name = service.Scheduler;
        switch (name)
        {
            case "rr":
                return new Mapping(live, "numgen inc", false, null, notes);
            case "wrr":
                return new Mapping(WrrCycle(Scale(service.Key, live, notes)), "numgen inc", false, null, notes);
            case "sh":
            case "mh":
                return new Mapping(Weighted(service.Key, live, notes), sourceHash, true, null, notes);
            case "dh":
                return new Mapping(Weighted(service.Key, live, notes), "jhash {daddr}", true, null, notes);
            case "fo":
                return new Mapping(FirstHeaviest(live), "numgen inc", false, null, notes);
            case "lc":
            case "nq":
                notes.Add($"{service.Key}: scheduler {name} approximated by random choice (nftables keeps no connection counts).");
                return new Mapping(live, "numgen random", false, $"{name} approximated by random", notes);
            default:
                notes.Add($"{service.Key}: scheduler {name} approximated by weighted random choice (nftables keeps no connection counts).");
                return new Mapping(Weighted(service.Key, live, notes), "numgen random", false, $"{name} approximated by weighted random", notes);
        }
    }

    private static IReadOnlyList<ServiceDestination> FirstHeaviest(List<ServiceDestination> live)
    {
        // IPVS fo takes the first server whose weight beats every earlier one (strictly greater).
        ServiceDestination? best = null;
        foreach (var destination in live)
        {
            if (best is null || destination.Weight > best.Weight)
            {
                best = destination;
            }
        }
        return best is null ? [] : [best];
    }

    /// <summary>Each server repeated by its (reduced) weight, in list order.</summary>
    private static IReadOnlyList<ServiceDestination> Weighted(ServiceKey key, List<ServiceDestination> live, List<string> notes)
    {
        var slots = new List<ServiceDestination>();
        foreach (var (destination, weight) in Scale(key, live, notes))
        {
            for (int i = 0; i < weight; i++)
            {
                slots.Add(destination);
            }
        }
        return slots;
    }

    /// <summary>
    /// One cycle of ip_vs_wrr.c: the current weight starts at the maximum, drops by the gcd each
    /// time the scan wraps, and a server is chosen when its weight reaches the current weight.
    /// The cycle has sum(weights)/gcd entries, after which the sequence repeats.
    /// </summary>
    private static IReadOnlyList<ServiceDestination> WrrCycle(IReadOnlyList<(ServiceDestination Destination, int Weight)> weighted)
    {
        var slots = new List<ServiceDestination>();
        if (weighted.Count == 0)
        {
            return slots;
        }
        int total = weighted.Sum(w => w.Weight);
        int max = weighted.Max(w => w.Weight);
        int current = 0;
        int index = -1;
        while (slots.Count < total)
        {
            index = (index + 1) % weighted.Count;
            if (index == 0)
            {
                current--;
                if (current <= 0)
                {
                    current = max;
                }
            }
            if (weighted[index].Weight >= current)
            {
                slots.Add(weighted[index].Destination);
            }
        }
        return slots;
    }

    /// <summary>Weights divided by their gcd, then scaled down (at least 1 each) if they still sum past <see cref="MaxSlots"/>.</summary>
    private static IReadOnlyList<(ServiceDestination Destination, int Weight)> Scale(ServiceKey key, List<ServiceDestination> live, List<string> notes)
    {
        var weights = ReduceByGcd(live.Select(d => (long)d.Weight).ToList());
        long sum = weights.Sum();
        if (sum > MaxSlots)
        {
            weights = ReduceByGcd(weights.Select(w => Math.Max(1, w * MaxSlots / sum)).ToList());
            notes.Add($"{key}: weights scaled to {weights.Sum()} slots (at most {MaxSlots}); the split is approximate.");
        }
        return live.Select((d, i) => (d, (int)weights[i])).ToList();
    }

    private static List<long> ReduceByGcd(List<long> weights)
    {
        long gcd = weights.Aggregate(0L, Gcd);
        return gcd <= 1 ? weights : weights.Select(w => w / gcd).ToList();
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
