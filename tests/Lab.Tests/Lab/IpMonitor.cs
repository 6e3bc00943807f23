using System.Globalization;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A node's address, neighbour and link changes as the kernel reports them (<c>ip -ts monitor address neigh link</c> in its
/// namespace), each with the time the notification was read. A failover timed this way does not include how late this busy test process got
/// round to looking: polling <c>ip addr</c> after a kill has shown a takeover 700 ms later than the new master's own
/// log of it, when the test host was slow to reap the killed process and to spawn its probes.
/// </summary>
public sealed class IpMonitor : IDisposable
{
    private readonly LabProcess _process;

    private IpMonitor(LabProcess process) => _process = process;

    /// <summary>Starts monitoring; the subscription is in place once this returns (its own lo addresses dumped first).</summary>
    public static IpMonitor Start(LabNetwork lab, LabNode node)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(node);
        var monitor = new IpMonitor(lab.Start(node, lab.UniqueName($"{node.Name}-ip-monitor"), "ip", ["-ts", "monitor", "address", "neigh", "link"]));
        // ip monitor prints nothing until a change: add and remove a throwaway address on lo to see it listening.
        var probe = "127.77.77." + (Environment.TickCount & 0x7f).ToString(CultureInfo.InvariantCulture);
        var listening = Wait.Until(() =>
        {
            Sh.Run("ip", "-n", node.Namespace, "addr", "replace", probe + "/32", "dev", "lo");
            return monitor.Added(probe, "lo") is not null;
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
        Sh.Run("ip", "-n", node.Namespace, "addr", "del", probe + "/32", "dev", "lo");
        if (listening is null)
        {
            monitor.Dispose();
            throw new InvalidOperationException($"ip monitor in {node.Namespace} never reported a change: {string.Join('\n', monitor._process.AllLines)}");
        }

        return monitor;
    }

    /// <summary>When <paramref name="ip"/> (any prefix length) was first added to <paramref name="device"/>, in UTC, or null.</summary>
    public DateTime? Added(string ip, string device = "eth0")
    {
        var bare = LabNetwork.Bare(ip);
        // "2: eth0    inet 10.77.0.250/32 scope global eth0"; removals start with "Deleted".
        return Events().FirstOrDefault(e => e.Fields is [var index, var dev, "inet" or "inet6", var address, ..] && index.EndsWith(':') && dev == device
            && LabNetwork.Bare(address).Equals(bare, StringComparison.OrdinalIgnoreCase)).At;
    }

    /// <summary>When <paramref name="ip"/> was first removed from <paramref name="device"/> at or after <paramref name="since"/> (UTC), or null.</summary>
    public DateTime? Removed(string ip, DateTime since, string device = "eth0")
    {
        var bare = LabNetwork.Bare(ip);
        // "Deleted 2: eth0    inet 10.77.0.250/32 scope global eth0"
        return Events().FirstOrDefault(e => e.At >= since && e.Fields is ["Deleted", var index, var dev, "inet" or "inet6", var address, ..] && index.EndsWith(':')
            && dev == device && LabNetwork.Bare(address).Equals(bare, StringComparison.OrdinalIgnoreCase)).At;
    }

    /// <summary>
    /// When <paramref name="device"/> was first reported down (administratively, or up without carrier) at or after
    /// <paramref name="since"/> (UTC), or null: the moment a link fault took effect, however long the command that made it took.
    /// </summary>
    public DateTime? LinkDown(string device, DateTime since) =>
        // "2: eth0@if7: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN ..." or "<BROADCAST,MULTICAST> ... state DOWN"
        Events().FirstOrDefault(e => e.At >= since && e.Fields is [var index, var dev, var flags, ..] && index.EndsWith(':')
            && (dev == device + ":" || dev.StartsWith(device + "@", StringComparison.Ordinal))
            && (flags.Contains("NO-CARRIER", StringComparison.Ordinal) || !flags.Contains(",UP", StringComparison.Ordinal))).At;

    /// <summary>Every link-layer address the neighbour entry for <paramref name="ip"/> was given, in order, with when (UTC).</summary>
    public IReadOnlyList<(DateTime At, string Mac)> NeighborMacs(string ip) =>
        // "10.77.0.230 dev eth0 lladdr 02:77:00:00:00:0c STALE"
        [.. Events().Where(e => e.Fields is [var address, "dev", _, "lladdr", _, ..] && address.Equals(LabNetwork.Bare(ip), StringComparison.OrdinalIgnoreCase))
            .Select(e => (e.At!.Value, e.Fields[4]))];

    /// <summary>Each notification's time (UTC; ip prints local time) and words, continuation lines skipped.</summary>
    private IEnumerable<(DateTime? At, string[] Fields)> Events()
    {
        foreach (var line in _process.Lines)
        {
            // "[2026-12-04T13:08:02.744995] ..."
            if (line.Length > 1 && line[0] == '[' && line.IndexOf(']', StringComparison.Ordinal) is var end and > 0)
            {
                yield return (DateTime.ParseExact(line[1..end], "yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal).ToUniversalTime(),
                    line[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }

    /// <summary>
    /// How long after <paramref name="since"/> (UTC, taken just before the cause) <paramref name="ip"/> was added, waiting
    /// up to <paramref name="timeout"/> for it; null if it never was.
    /// </summary>
    public TimeSpan? AddedAfter(DateTime since, string ip, TimeSpan timeout, string device = "eth0") => Wait.ForValue(() => Added(ip, device), timeout) - since;

    public void Dispose() => _process.Dispose();
}
