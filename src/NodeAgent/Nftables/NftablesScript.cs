namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// An <c>nft -f -</c> script, applied as one transaction, and the remarks the caller should log
/// about it (approximated schedulers, forwarding methods nftables cannot reproduce).
/// </summary>
public sealed record NftablesScript(string Text, IReadOnlyList<string> Notes);
