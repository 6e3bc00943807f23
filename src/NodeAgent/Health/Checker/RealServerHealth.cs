namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// One real server's checker state, as keepalived keeps it (is_up, has_run, retry_it), and its rule for a result
/// (tcp_epilog / http epilog in keepalived 2.2):
/// <list type="bullet">
/// <item>a success resets the retries and checks again after delay_loop; it brings a down server up, and the first
/// result ever is a verdict even when the server already counted as up;</item>
/// <item>a failure of an up server is retried after delay_before_retry, up to retry times; the failure after those
/// (at once when retry is 0) is the Down verdict, and the next check is after delay_loop; the very first result counts
/// as coming from an up server for the verdict, so with alpha and retry 0 a first failure is a Down verdict too;</item>
/// <item>any other failure of a down server changes nothing: next check after delay_loop, no retries.</item>
/// </list>
/// Every delay counts from the end of the check (keepalived arms the next timer in the epilog).
/// </summary>
/// <param name="IsUp">The server counts as healthy.</param>
/// <param name="HasRun">At least one check has completed.</param>
/// <param name="Retried">Consecutive failures already retried since the server was last seen healthy.</param>
public readonly record struct RealServerHealth(bool IsUp, bool HasRun, int Retried)
{
    /// <summary>Before the first check: up, unless the policy is alpha.</summary>
    public static RealServerHealth Initial(RealServerCheckPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new(!policy.Alpha, false, 0);
    }

    /// <summary>
    /// The first check's time: a fraction of the warmup after the start, so that many servers' checks do not all
    /// fire at once (keepalived: warmup * rand() / RAND_MAX).
    /// </summary>
    /// <param name="fraction">Uniform in [0, 1].</param>
    public static DateTimeOffset FirstCheckAt(RealServerCheckPolicy policy, DateTimeOffset start, double fraction)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        return start + (policy.Warmup * fraction);
    }

    /// <summary>Applies a check that ended at <paramref name="now"/>.</summary>
    public RealServerHealthStep Apply(RealServerCheckPolicy policy, bool success, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (success)
        {
            var verdict = !IsUp || !HasRun ? HealthVerdict.Up : (HealthVerdict?)null;
            return new(new(true, true, 0), now + policy.DelayLoop, verdict);
        }

        if ((IsUp || !HasRun) && Retried >= policy.Retry)
        {
            return new(new(false, true, 0), now + policy.DelayLoop, HealthVerdict.Down);
        }

        return IsUp
            ? new(new(true, true, Retried + 1), now + policy.DelayBeforeRetry, null)
            : new(this with { HasRun = true }, now + policy.DelayLoop, null);
    }
}
