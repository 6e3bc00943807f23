using Xunit;

namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>A fact that needs root (network namespaces, nft against the kernel); skipped with the reason otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot())
        {
            Skip = "Needs root: creates network namespaces and loads nftables rules into them.";
        }
    }

    /// <summary>The effective uid, second field of the Uid: line of /proc/self/status.</summary>
    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status")
            .Where(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Select(line => line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2])
            .Single() == "0";
}
