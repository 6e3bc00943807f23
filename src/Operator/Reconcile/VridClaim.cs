namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// One VirtualIp asking for a VRID: <paramref name="Requested"/> from spec.virtualRouterId,
/// <paramref name="Previous"/> from status.virtualRouterId (what the operator allocated earlier and agents use).
/// </summary>
public sealed record VridClaim(string Name, SegmentKey Segment, int? Requested, int? Previous, DateTimeOffset? Created);
