namespace KeepOperator.NodeAgent.Vmac;

/// <summary>
/// The ARP settings keepalived gives a VMAC and its parent (vrrp_if_config.c): arp_ignore=1 answers only for addresses
/// on the receiving interface, so the parent, which sees the same broadcast ARP requests, does not also answer for the
/// VIP with its own MAC; arp_filter=1 keeps each interface answering only for what it would route out of itself.
/// The parent's values are left set at exit (other VMACs may share it).
/// </summary>
public static class VmacSysctls
{
    /// <summary>Pure: the files under /proc/sys and their values, parent first.</summary>
    public static IReadOnlyList<(string Path, string Value)> For(string parentName, string vmacName) =>
    [
        ($"net/ipv4/conf/{parentName}/arp_ignore", "1"),
        ($"net/ipv4/conf/{parentName}/arp_filter", "1"),
        ($"net/ipv4/conf/{vmacName}/arp_ignore", "1"),
        ($"net/ipv4/conf/{vmacName}/arp_filter", "1"),
    ];

    /// <summary>Writes them under <paramref name="root"/>; /proc/sys/net is the calling process's network namespace.</summary>
    public static void Apply(IEnumerable<(string Path, string Value)> settings, string root = "/proc/sys")
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (path, value) in settings)
        {
            File.WriteAllText(Path.Combine(root, path), value + "\n");
        }
    }
}
