namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// Gives each VirtualIp a VRID unique on its segment. A VirtualIp keeps the VRID it asked for (spec) or was given
/// before (status), so agents never see a running instance renumbered; two VirtualIps holding the same VRID on one
/// segment are a conflict for both (never resolved silently, since both may already be on the wire). The others get
/// the lowest free VRID, in creation order, so re-running on the same inputs gives the same answer; a VRID a foreign
/// router advertises on the segment is never given. One already held is not moved off such a VRID: renumbering restarts
/// the instance on every node (a failover's worth of outage) and needs the VirtualIps' users to agree; it is reported
/// (<see cref="VridAllocation.ForeignCollisions"/>) for a person to settle with spec.virtualRouterId.
/// </summary>
public static class VridAllocator
{
    public const int MinVrid = 1;
    public const int MaxVrid = 255;

    /// <param name="foreign">VRIDs foreign routers advertise, per segment.</param>
    public static VridAllocation Allocate(IEnumerable<VridClaim> claims, IReadOnlyDictionary<SegmentKey, IReadOnlySet<int>>? foreign = null)
    {
        var assigned = new Dictionary<string, int>(StringComparer.Ordinal);
        var conflicts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var exhausted = new HashSet<string>(StringComparer.Ordinal);
        var collisions = new HashSet<string>(StringComparer.Ordinal);

        foreach (var segment in claims.GroupBy(c => c.Segment))
        {
            var heard = foreign?.GetValueOrDefault(segment.Key) ?? new HashSet<int>();
            var used = new HashSet<int>(heard);
            var held = segment.Select(c => (Claim: c, Vrid: Held(c))).Where(x => x.Vrid is not null).ToList();
            foreach (var group in held.GroupBy(x => x.Vrid!.Value))
            {
                used.Add(group.Key);
                var names = group.Select(x => x.Claim.Name).ToList();
                foreach (var name in names)
                {
                    assigned[name] = group.Key;
                    if (heard.Contains(group.Key))
                    {
                        collisions.Add(name);
                    }

                    if (names.Count > 1)
                    {
                        conflicts[name] = names.Where(n => n != name).Order(StringComparer.Ordinal).ToList();
                    }
                }
            }

            var next = MinVrid;
            foreach (var claim in segment.Where(c => Held(c) is null).OrderBy(c => c.Created ?? DateTimeOffset.MaxValue).ThenBy(c => c.Name, StringComparer.Ordinal))
            {
                while (next <= MaxVrid && used.Contains(next))
                {
                    next++;
                }

                if (next > MaxVrid)
                {
                    exhausted.Add(claim.Name);
                    continue;
                }

                assigned[claim.Name] = next;
                used.Add(next);
            }
        }

        return new VridAllocation(assigned, conflicts, exhausted) { ForeignCollisions = collisions };
    }

    private static int? Held(VridClaim claim) => Valid(claim.Requested) ?? Valid(claim.Previous);

    private static int? Valid(int? vrid) => vrid is >= MinVrid and <= MaxVrid ? vrid : null;
}
