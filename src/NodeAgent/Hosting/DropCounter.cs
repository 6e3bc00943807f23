using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// Counts dropped packets per reason for one instance and decides when a drop is worth a log line:
/// the first of a reason, then at most once a second while the total grows (an auth mismatch at 20 adverts/s
/// must not flood the log, nor go unseen).
/// </summary>
public sealed class DropCounter
{
    private static readonly TimeSpan LogPeriod = TimeSpan.FromSeconds(1);
    private readonly Dictionary<VrrpDropReason, (long Total, DateTimeOffset LastLogged)> _byReason = [];

    public long Total(VrrpDropReason reason) => _byReason.TryGetValue(reason, out var entry) ? entry.Total : 0;

    /// <summary>Counts one drop; returns true when the caller should log it, with the new total.</summary>
    public bool Count(VrrpDropReason reason, DateTimeOffset now, out long total)
    {
        _byReason.TryGetValue(reason, out var entry);
        total = entry.Total + 1;
        bool log = entry.Total == 0 || now - entry.LastLogged >= LogPeriod;
        _byReason[reason] = (total, log ? now : entry.LastLogged);
        return log;
    }
}
