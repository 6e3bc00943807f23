namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// keepalived's timing for one real server's checker: <c>delay_loop</c>, <c>retry</c> (nb_get_retry),
/// <c>delay_before_retry</c>, <c>warmup</c> and <c>alpha</c>. The probe's own connect timeout lives in the probe.
/// </summary>
public sealed record RealServerCheckPolicy
{
    /// <param name="delayLoop">Time between a check's end and the next check (keepalived's delay_loop).</param>
    /// <param name="retry">Failed checks retried before an up server is declared down: it goes down on the (retry+1)th consecutive failure.</param>
    /// <param name="delayBeforeRetry">Time between a failed check's end and its retry while the server is still up.</param>
    /// <param name="warmup">The first check runs at a random point in [0, warmup) after the start; default <paramref name="delayLoop"/>.</param>
    /// <param name="alpha">Start down (keepalived's alpha): the first success brings the server up.</param>
    public RealServerCheckPolicy(TimeSpan delayLoop, int retry, TimeSpan delayBeforeRetry, TimeSpan? warmup = null, bool alpha = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(delayLoop, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(retry);
        ArgumentOutOfRangeException.ThrowIfLessThan(delayBeforeRetry, TimeSpan.Zero);
        if (warmup is { } w)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(w, TimeSpan.Zero, nameof(warmup));
        }

        DelayLoop = delayLoop;
        Retry = retry;
        DelayBeforeRetry = delayBeforeRetry;
        Warmup = warmup ?? delayLoop;
        Alpha = alpha;
    }

    public TimeSpan DelayLoop { get; }

    public int Retry { get; }

    public TimeSpan DelayBeforeRetry { get; }

    public TimeSpan Warmup { get; }

    public bool Alpha { get; }
}
