using System.Globalization;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// Random packet loss on one node's switch port, both ways, by an nftables rule in the switch's bridge (numgen random):
/// this machine's kernel has no sch_netem, so tc netem loss and delay are out of reach here. Removed on dispose.
/// </summary>
public sealed class SwitchLoss : IDisposable
{
    private readonly LabNetwork _lab;
    private readonly string _table;

    public SwitchLoss(LabNetwork lab, LabNode node, int percent)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 99);
        _lab = lab;
        _table = "loss_" + node.Name;
        var port = "p-" + node.Name;
        var n = percent.ToString(CultureInfo.InvariantCulture);
        Nft($"add table bridge {_table}");
        Nft($"add chain bridge {_table} drops {{ type filter hook forward priority 0 ; }}");
        Nft($"add rule bridge {_table} drops iifname \"{port}\" numgen random mod 100 < {n} drop");
        Nft($"add rule bridge {_table} drops oifname \"{port}\" numgen random mod 100 < {n} drop");
        lab.Log($"switch drops {percent}% of {node.Name}'s packets both ways");
    }

    public void Dispose()
    {
        Nft($"delete table bridge {_table}");
        _lab.Log($"switch loss on {_table[5..]} removed");
    }

    private void Nft(string command) => Sh.Check("ip", "netns", "exec", _lab.SwitchNamespace, "nft", command);
}
