namespace KeepOperator.Operator.Kube;

/// <summary>
/// client-go's ItemExponentialFailureRateLimiter: each key's delay starts at <see cref="BaseDelay"/> and doubles per
/// failure up to <see cref="MaxDelay"/>; <see cref="Forget"/> after a success starts the key over.
/// </summary>
public sealed class ItemExponentialBackoff<TKey>(TimeSpan baseDelay, TimeSpan maxDelay)
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> failures = [];
    private readonly Lock gate = new();

    /// <summary>client-go's defaults: 5 ms doubling to 1000 s.</summary>
    public ItemExponentialBackoff()
        : this(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000))
    {
    }

    public TimeSpan BaseDelay => baseDelay;

    public TimeSpan MaxDelay => maxDelay;

    /// <summary>The delay before the key's next retry; counts one more failure.</summary>
    public TimeSpan When(TKey key)
    {
        lock (gate)
        {
            var exponent = failures.GetValueOrDefault(key);
            failures[key] = exponent + 1;
            var delay = baseDelay.Ticks * Math.Pow(2, exponent);
            return delay >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)delay);
        }
    }

    public int Failures(TKey key)
    {
        lock (gate)
        {
            return failures.GetValueOrDefault(key);
        }
    }

    public void Forget(TKey key)
    {
        lock (gate)
        {
            failures.Remove(key);
        }
    }
}
