namespace KeepOperator.NodeAgent.Nftables;

/// <summary>How much of our table an <see cref="NftablesPlan"/> rewrites.</summary>
public enum NftablesPlanKind
{
    /// <summary>Desired equals applied: nothing to run.</summary>
    None,

    /// <summary>The table is deleted and re-created in one transaction.</summary>
    Full,

    /// <summary>Only the chains and map elements of virtual servers whose real servers changed.</summary>
    Incremental,
}
