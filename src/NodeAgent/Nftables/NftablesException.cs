namespace KeepOperator.NodeAgent.Nftables;

/// <summary>nft exited with an error; since a script is one transaction, none of it took effect.</summary>
public sealed class NftablesException(int exitCode, string standardError)
    : Exception($"nft exited with {exitCode}: {standardError.Trim()}")
{
    public int ExitCode { get; } = exitCode;
}
