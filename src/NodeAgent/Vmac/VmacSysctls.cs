namespace KeepOperator.NodeAgent.Vmac;

/// <summary>
/// The settings keepalived gives a VMAC and its parent (vrrp_if_config.c). arp_ignore=1 on both: each answers ARP only
/// for its own addresses, so the parent, which sees the same broadcast requests, does not answer for the VIP with its
/// own MAC; arp_filter=1 on the parent. arp_announce=2 on the parent, beyond keepalived: replies from the VIP leave
/// through the parent (its route), and the ARP requests it sends for their next hop would otherwise carry the VIP as
/// sender with the parent's MAC, overwriting the neighbours' entries for the VIP. On the VMAC rp_filter=0 and accept_local=1: traffic to the VIP arrives on
/// it while the route back to the sender is the parent's. The parent's values are left set at exit (other VMACs may
/// share it).
/// </summary>
public static class VmacSysctls
{
    /// <summary>Pure: the files under /proc/sys and their values, parent first.</summary>
    public static IReadOnlyList<(string Path, string Value)> For(string parentName, string vmacName) =>
    [
        ($"net/ipv4/conf/{parentName}/arp_ignore", "1"),
        ($"net/ipv4/conf/{parentName}/arp_filter", "1"),
        ($"net/ipv4/conf/{parentName}/arp_announce", "2"),
        ($"net/ipv4/conf/{vmacName}/arp_ignore", "1"),
        ($"net/ipv4/conf/{vmacName}/accept_local", "1"),
        ($"net/ipv4/conf/{vmacName}/rp_filter", "0"),
    ];

    /// <summary>Writes them under <paramref name="root"/>; /proc/sys/net is the calling process's network namespace.</summary>
    /// <exception cref="IOException">A file could not be written; the message says what VMAC needs.</exception>
    public static void Apply(IEnumerable<(string Path, string Value)> settings, string root = "/proc/sys")
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (path, value) in settings)
        {
            var file = Path.Combine(root, path);
            try
            {
                File.WriteAllText(file, value + "\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No capability beyond the agent's NET_ADMIN and NET_RAW is needed (uid 0 owns the files), but container
                // runtimes mount /proc/sys read-only in a container that is not privileged (the lab's LeastPrivilegeTests).
                throw new IOException($"useVmac needs a writable /proc/sys (in Kubernetes: the agent's securityContext privileged: true); writing {file} failed: {ex.Message}", ex);
            }
        }
    }
}
