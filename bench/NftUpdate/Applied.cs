using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.Nftables;

namespace KeepOperator.Bench.NftUpdate;

/// <summary>One nft transaction: the verdicts it carried (with when each was raised), when it began and ended (Stopwatch).</summary>
internal sealed record Applied(IReadOnlyList<(RealServerHealthChange Change, long At)> Changes, long Began, long Done, NftablesPlanKind Kind);
