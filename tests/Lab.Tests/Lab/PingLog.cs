using System.Globalization;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>Reads <c>ping -D</c>'s output.</summary>
public static class PingLog
{
    /// <summary>The longest time between consecutive replies, their count, and when that gap ended.</summary>
    public static (TimeSpan Gap, int Replies, DateTime EndedAt) LongestGap(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
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

        return (gap, times.Count, at);
    }
}
