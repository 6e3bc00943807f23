namespace KeepOperator.NodeAgent.Nftables;

/// <summary>What to run to go from the applied virtual servers to the desired ones; <see cref="Script"/> is empty for <see cref="NftablesPlanKind.None"/>.</summary>
public sealed record NftablesPlan(NftablesPlanKind Kind, NftablesScript Script);
