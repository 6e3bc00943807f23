using System.Globalization;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A client pinging an address every 20 ms (<c>ping -D</c>, bounded in count, so in time), for the longest time between
/// two replies: how long the client went unanswered, failovers included.
/// </summary>
public sealed class PingProbe
{
    private readonly LabProcess _process;

    private PingProbe(LabProcess process) => _process = process;

    /// <summary>Starts pinging <paramref name="address"/> from <paramref name="from"/> for at most <paramref name="duration"/>.</summary>
    public static PingProbe Start(LabNetwork lab, LabNode from, string address, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(from);
        var pings = (int)(duration.TotalSeconds / 0.02);
        return new PingProbe(lab.Start(from, lab.UniqueName("ping"), "ping",
            // No -w: with a deadline, ping quits at the first ICMP error (a TTL exceeded while two forwarding nodes'
            // neighbour caches disagree for an instant), and the rest of the test would go unmeasured.
            ["-D", "-n", "-i", "0.02", "-W", "1", "-c", pings.ToString(CultureInfo.InvariantCulture), address]));
    }

    /// <summary>The ping process (to leave its lines out of <see cref="LabNetwork.Timeline"/>).</summary>
    public LabProcess Process => _process;

    /// <summary>The last lines ping printed, for assertion messages.</summary>
    public string Tail => string.Join('\n', _process.AllLines.TakeLast(5));

    /// <summary>
    /// Stops pinging; the longest time between consecutive replies, their count, and when that gap ended (UTC). Silence
    /// from the last reply until now counts as a gap too: a client left talking to a node that no longer holds the
    /// address is an outage even if the test ends before it would have healed.
    /// </summary>
    public (TimeSpan Gap, int Replies, DateTime EndedAt) Stop()
    {
        var (stoppedAt, ran) = (DateTime.UtcNow, _process.Started.Elapsed);
        _process.Signal(Native.SIGINT);
        _process.WaitForExit(TimeSpan.FromSeconds(5));
        return LongestGap(_process.Lines, ran, stoppedAt);
    }

    private static (TimeSpan Gap, int Replies, DateTime EndedAt) LongestGap(IReadOnlyList<string> lines, TimeSpan ran, DateTime stoppedAt)
    {
        // "[1764853682.123456] 64 bytes from 10.77.0.230: icmp_seq=5 ttl=64 time=0.052 ms"
        var times = lines.Where(l => l.StartsWith('[') && l.Contains(" bytes from ", StringComparison.Ordinal))
            .Select(l => DateTime.UnixEpoch.AddSeconds(double.Parse(l[1..l.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture)))
            .ToList();
        var (gap, at) = (TimeSpan.Zero, DateTime.MinValue);
        for (var i = 1; i < times.Count; i++)
        {
            if (times[i] - times[i - 1] > gap)
            {
                (gap, at) = (times[i] - times[i - 1], times[i]);
            }
        }

        var lastHeard = times.Count > 0 ? times[^1] : stoppedAt - ran;
        if (stoppedAt - lastHeard > gap)
        {
            (gap, at) = (stoppedAt - lastHeard, stoppedAt);
        }

        return (gap, times.Count, at);
    }
}
