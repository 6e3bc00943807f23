namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// nft (the binary, or libnftables in-process) rejected a script; since a script is one transaction, none of it took
/// effect. <see cref="ExitCode"/> is nft's exit status (1 for the library's failure, as nft reports it).
/// </summary>
public sealed class NftablesException(int exitCode, string standardError)
    : Exception($"nft failed with {exitCode}: {standardError.Trim()}")
{
    public int ExitCode { get; } = exitCode;
}
