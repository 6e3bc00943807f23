using System.Globalization;
using KeepOperator.NodeAgent.Health.Checker;

namespace KeepOperator.Bench.HealthBench;

/// <summary>
/// The achieved check interval: for each real server, the time between two successful checks' completions in a row
/// (delay_loop plus the later check's own duration; a checker that falls behind shows as drift above delay_loop).
/// Counted in 0.1 ms buckets up to 60 s, so that recording allocates nothing; called on the checker's loop only.
/// </summary>
internal sealed class CheckIntervals
{
    private const int BucketsPerMillisecond = 10;
    private readonly long[] buckets = new long[60_000 * BucketsPerMillisecond + 1];
    private readonly Dictionary<RealServerCheck, DateTimeOffset> lastSuccess = new(ReferenceEqualityComparer.Instance);
    private long count;

    public void Observe(RealServerCheckCompletion completion)
    {
        if (!completion.Success)
        {
            lastSuccess.Remove(completion.Check);
            return;
        }

        if (lastSuccess.TryGetValue(completion.Check, out var previous))
        {
            var bucket = (long)((completion.At - previous).TotalMilliseconds * BucketsPerMillisecond);
            buckets[Math.Clamp(bucket, 0, buckets.Length - 1)]++;
            count++;
        }

        lastSuccess[completion.Check] = completion.At;
    }

    /// <summary>"intervals N p50 P50 p99 P99 max MAX" in milliseconds, for bench/healthcheck.sh.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"intervals {count} p50 {Percentile(0.5):F1} p99 {Percentile(0.99):F1} max {Percentile(1):F1}");

    private double Percentile(double p)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(p * count));
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= rank)
            {
                return (double)i / BucketsPerMillisecond;
            }
        }

        return double.NaN;
    }
}
