using System.Globalization;
using System.Text.RegularExpressions;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A fault made in the switch: an nftables table in the bridge's forward hook that drops what its rules match
/// (counted), removed on dispose (the switch namespace goes with the lab too). This machine's kernel has no sch_netem,
/// so tc netem loss and delay are out of reach; nftables in the bridge gives loss, partitions and filtering.
/// </summary>
public sealed partial class SwitchFilter : IDisposable
{
    private readonly LabNetwork _lab;
    private readonly string _table;
    private readonly string _what;
    private bool _removed;

    private SwitchFilter(LabNetwork lab, string table, string what, params string[] rules)
    {
        ArgumentNullException.ThrowIfNull(lab);
        _lab = lab;
        _table = table;
        _what = what;
        Nft($"add table bridge {table}");
        Nft($"add chain bridge {table} drops {{ type filter hook forward priority 0 ; }}");
        foreach (var rule in rules)
        {
            Nft($"add rule bridge {table} drops {rule} counter drop");
        }

        lab.Log($"switch drops {what}");
    }

    /// <summary>Random loss of <paramref name="percent"/>% of one node's packets, both ways (numgen random).</summary>
    public static SwitchFilter Loss(LabNetwork lab, LabNode node, int percent)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 99);
        var (port, n) = ("p-" + node.Name, percent.ToString(CultureInfo.InvariantCulture));
        return new SwitchFilter(lab, "loss_" + node.Name, $"{percent}% of {node.Name}'s packets both ways",
            $"iifname \"{port}\" numgen random mod 100 < {n}", $"oifname \"{port}\" numgen random mod 100 < {n}");
    }

    /// <summary>
    /// A partition: what one node's port forwards to the other's, both ways (flooded multicast is filtered per output
    /// port), while both still reach the client and every other port.
    /// </summary>
    public static SwitchFilter Partition(LabNetwork lab, LabNode a, LabNode b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new SwitchFilter(lab, $"cut_{a.Name}_{b.Name}", $"what passes between {a.Name} and {b.Name}",
            $"iifname \"p-{a.Name}\" oifname \"p-{b.Name}\"", $"iifname \"p-{b.Name}\" oifname \"p-{a.Name}\"");
    }

    /// <summary>Multicast VRRP (to 224.0.0.18 and ff02::12), as a network that filters multicast would: only unicast VRRP crosses it.</summary>
    public static SwitchFilter MulticastVrrp(LabNetwork lab) =>
        new(lab, "vrrpdrop", "multicast VRRP (224.0.0.18, ff02::12)", "ip daddr 224.0.0.18", "ip6 daddr ff02::12");

    /// <summary>Packets the rules dropped so far.</summary>
    public long Dropped()
    {
        var listing = Sh.Check("ip", "netns", "exec", _lab.SwitchNamespace, "nft", "list table bridge " + _table);
        return CounterRegex().Matches(listing).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Removes the rules; the first call only.</summary>
    public void Dispose()
    {
        if (_removed)
        {
            return;
        }

        _removed = true;
        Nft($"delete table bridge {_table}");
        _lab.Log($"switch no longer drops {_what}");
    }

    private void Nft(string command) => Sh.Check("ip", "netns", "exec", _lab.SwitchNamespace, "nft", command);

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterRegex();
}
