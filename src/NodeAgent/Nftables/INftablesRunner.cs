namespace KeepOperator.NodeAgent.Nftables;

/// <summary>Runs <c>nft -f -</c> with a script on standard input: the one side effect of the dataplane.</summary>
public interface INftablesRunner
{
    /// <exception cref="NftablesException">nft rejected the script; nothing of it was applied.</exception>
    Task RunAsync(string script, CancellationToken cancellationToken);
}
