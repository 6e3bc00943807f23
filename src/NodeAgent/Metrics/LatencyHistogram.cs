namespace KeepOperator.NodeAgent.Metrics;

/// <summary>A Prometheus histogram of durations in seconds: cumulative buckets, sum and count; thread-safe.</summary>
public sealed class LatencyHistogram(IReadOnlyList<double> upperBounds)
{
    private readonly Lock _gate = new();
    private readonly long[] _counts = new long[upperBounds.Count];
    private long _count;
    private double _sum;

    public IReadOnlyList<double> UpperBounds { get; } = upperBounds;

    public void Observe(double seconds)
    {
        lock (_gate)
        {
            // Only the first bucket that holds it: the cumulative counts are summed on the (rare) scrape, not per check.
            for (int i = 0; i < _counts.Length; i++)
            {
                if (seconds <= UpperBounds[i])
                {
                    _counts[i]++;
                    break;
                }
            }
            _count++;
            _sum += seconds;
        }
    }

    /// <summary>The observations at or below each bound (cumulative, as exposed), all of them, and their sum.</summary>
    public (long[] Cumulative, long Count, double Sum) Read()
    {
        lock (_gate)
        {
            var cumulative = new long[_counts.Length];
            long running = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                running += _counts[i];
                cumulative[i] = running;
            }
            return (cumulative, _count, _sum);
        }
    }
}
