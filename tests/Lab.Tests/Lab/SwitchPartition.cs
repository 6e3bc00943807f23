namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A partition between two nodes: an nftables rule in the switch's bridge drops what one node's port forwards to the
/// other's, both ways (flooded multicast is filtered per output port), while both still reach the client and every
/// other port. Removed on dispose (the switch namespace goes with the lab too).
/// </summary>
public sealed class SwitchPartition : IDisposable
{
    private readonly LabNetwork _lab;
    private readonly string _table;
    private bool _healed;

    public SwitchPartition(LabNetwork lab, LabNode a, LabNode b)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        _lab = lab;
        _table = $"cut_{a.Name}_{b.Name}";
        Nft($"add table bridge {_table}");
        Nft($"add chain bridge {_table} drops {{ type filter hook forward priority 0 ; }}");
        Nft($"add rule bridge {_table} drops iifname \"p-{a.Name}\" oifname \"p-{b.Name}\" counter drop");
        Nft($"add rule bridge {_table} drops iifname \"p-{b.Name}\" oifname \"p-{a.Name}\" counter drop");
        lab.Log($"switch partitions {a.Name} from {b.Name}");
    }

    /// <summary>Removes the rule; the first call only.</summary>
    public void Dispose()
    {
        if (_healed)
        {
            return;
        }
        _healed = true;
        Nft($"delete table bridge {_table}");
        _lab.Log($"partition {_table} healed");
    }

    private void Nft(string command) => Sh.Check("ip", "netns", "exec", _lab.SwitchNamespace, "nft", command);
}
