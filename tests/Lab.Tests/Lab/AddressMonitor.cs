using System.Globalization;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A node's address changes as the kernel reports them (<c>ip -ts monitor address</c> in its namespace), each with the
/// time the notification was read. A failover timed this way does not include how late this busy test process got
/// round to looking: polling <c>ip addr</c> after a kill has shown a takeover 700 ms later than the new master's own
/// log of it, when the test host was slow to reap the killed process and to spawn its probes.
/// </summary>
public sealed class AddressMonitor : IDisposable
{
    private readonly LabProcess _process;

    private AddressMonitor(LabProcess process) => _process = process;

    /// <summary>Starts monitoring; the subscription is in place once this returns (its own lo addresses dumped first).</summary>
    public static AddressMonitor Start(LabNetwork lab, LabNode node)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(node);
        var monitor = new AddressMonitor(lab.Start(node, lab.UniqueName($"{node.Name}-ip-monitor"), "ip", ["-ts", "monitor", "address"]));
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
            throw new InvalidOperationException($"ip monitor address in {node.Namespace} never reported a change: {string.Join('\n', monitor._process.AllLines)}");
        }

        return monitor;
    }

    /// <summary>When <paramref name="ip"/> (any prefix length) was first added to <paramref name="device"/>, in UTC, or null.</summary>
    public DateTime? Added(string ip, string device = "eth0")
    {
        var bare = LabNetwork.Bare(ip);
        foreach (var line in _process.Lines)
        {
            // "[2026-12-04T13:08:02.744995] 2: eth0    inet 10.77.0.250/32 scope global eth0"; removals say "Deleted".
            if (line.Length < 2 || line[0] != '[' || line.IndexOf(']', StringComparison.Ordinal) is not (var end and > 0))
            {
                continue;
            }

            var fields = line[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not [var index, var dev, "inet" or "inet6", var address, ..] || !index.EndsWith(':') || dev != device
                || !LabNetwork.Bare(address).Equals(bare, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return DateTime.ParseExact(line[1..end], "yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal).ToUniversalTime();
        }

        return null;
    }

    /// <summary>
    /// How long after <paramref name="since"/> (UTC, taken just before the cause) <paramref name="ip"/> was added, waiting
    /// up to <paramref name="timeout"/> for it; null if it never was.
    /// </summary>
    public TimeSpan? AddedAfter(DateTime since, string ip, TimeSpan timeout, string device = "eth0")
    {
        DateTime? added = null;
        Wait.Until(() => (added = Added(ip, device)) is not null, timeout);
        return added - since;
    }

    public void Dispose() => _process.Dispose();
}
