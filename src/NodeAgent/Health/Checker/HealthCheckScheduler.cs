using System.Collections.Concurrent;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// Runs every real server's checks from one loop on one dedicated thread, as keepalived's checker process does:
/// a <see cref="HealthCheckTimeline"/> says which checks are due, the loop starts their probes (async sockets, each
/// with its own connect timeout: no thread or timer per check here), and each probe's completion is posted back to
/// the loop, which applies it and queues the next check. The thread sleeps until the earliest due check or a posted
/// completion. Verdicts are raised on the loop at once (<see cref="HealthChanged"/>); <see cref="Snapshot"/> reads the
/// latest state from any thread.
/// </summary>
public sealed class HealthCheckScheduler
{
    private readonly IReadOnlyList<RealServerCheck> checks;
    private readonly TimeProvider time;
    private readonly Random random;
    private readonly ConcurrentQueue<(int Index, ProbeResult Result)> completions = new();
    private readonly AutoResetEvent wake = new(false);
    private readonly RealServerHealthStatus[] statuses;
    private int wakePending;

    public HealthCheckScheduler(IReadOnlyList<RealServerCheck> checks, TimeProvider? time = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        this.checks = checks;
        this.time = time ?? TimeProvider.System;
        this.random = random ?? Random.Shared;
        statuses = checks.Select(c => new RealServerHealthStatus(c.VirtualServer, c.RealServer, !c.Policy.Alpha, null, null)).ToArray();
    }

    /// <summary>Raised on the loop for each verdict (a change, or the first result's decision); keep handlers short.</summary>
    public event Action<RealServerHealthChange>? HealthChanged;

    /// <summary>Every real server's latest state, in the order the checks were given; safe from any thread.</summary>
    public IReadOnlyList<RealServerHealthStatus> Snapshot()
    {
        var copy = new RealServerHealthStatus[statuses.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref statuses[i]);
        }

        return copy;
    }

    /// <summary>Checks until cancelled; the task ends (without throwing) once the probes in flight have stopped.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken cancellationToken)
    {
        var timeline = new HealthCheckTimeline(checks.Select(c => c.Policy).ToArray(), time.GetUtcNow(), random);
        var inFlight = new Task?[checks.Count];
        using (cancellationToken.Register(Wake))
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref wakePending, 0);
                var now = time.GetUtcNow();
                while (completions.TryDequeue(out var done))
                {
                    inFlight[done.Index] = null;
                    Apply(timeline, done.Index, done.Result, now);
                }

                while (timeline.TryTakeDue(now, out var index))
                {
                    inFlight[index] = CheckAsync(index, cancellationToken);
                }

                wake.WaitOne(timeline.NextDue is { } next ? WholeMillisecondsUntil(next) : Timeout.InfiniteTimeSpan);
            }
        }

        // The probes observe the same token; wait for them so none outlives the scheduler.
        Task.WaitAll(inFlight.OfType<Task>().ToArray(), CancellationToken.None);
    }

    private void Apply(HealthCheckTimeline timeline, int index, ProbeResult result, DateTimeOffset now)
    {
        var check = checks[index];
        var step = timeline.Complete(index, result.Success, now);
        Volatile.Write(ref statuses[index], new RealServerHealthStatus(check.VirtualServer, check.RealServer, step.State.IsUp, result, now));
        if (step.Verdict is { } verdict)
        {
            HealthChanged?.Invoke(new RealServerHealthChange(check.VirtualServer, check.RealServer, verdict == HealthVerdict.Up, result.Message, result.Duration, now));
        }
    }

    private async Task CheckAsync(int index, CancellationToken cancellationToken)
    {
        ProbeResult result;
        try
        {
            result = await checks[index].Probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // a probe that throws counts as a failed check; the loop must go on
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = new ProbeResult(false, $"probe failed: {e.Message}", TimeSpan.Zero);
        }

        completions.Enqueue((index, result));
        Wake();
    }

    /// <summary>At most one Set per loop turn, however many probes complete meanwhile.</summary>
    private void Wake()
    {
        if (Interlocked.Exchange(ref wakePending, 1) == 0)
        {
            wake.Set();
        }
    }

    /// <summary>Rounded up: a wait that ends a fraction of a millisecond early would find nothing due and spin.</summary>
    private TimeSpan WholeMillisecondsUntil(DateTimeOffset due) =>
        TimeSpan.FromMilliseconds(Math.Max(0, Math.Ceiling((due - time.GetUtcNow()).TotalMilliseconds)));
}
