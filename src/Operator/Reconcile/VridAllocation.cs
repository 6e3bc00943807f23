namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// The allocator's answer. <see cref="Assigned"/> holds every VirtualIp's VRID, conflicting ones included (so status
/// shows the contested value); <see cref="Conflicts"/> names, per conflicting VirtualIp, the others on its VRID;
/// <see cref="Exhausted"/> lists those left without a VRID because their segment has none free;
/// <see cref="ForeignCollisions"/> those holding a VRID that a foreign router advertises on their segment.
/// </summary>
public sealed record VridAllocation(
    IReadOnlyDictionary<string, int> Assigned,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Conflicts,
    IReadOnlySet<string> Exhausted)
{
    public IReadOnlySet<string> ForeignCollisions { get; init; } = new HashSet<string>();
}
