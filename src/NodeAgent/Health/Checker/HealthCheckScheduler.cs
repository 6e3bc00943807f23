using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using KeepOperator.Api;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// Runs every real server's checks from one loop on one dedicated thread, as keepalived's checker process does:
/// a <see cref="HealthCheckTimeline"/> says which checks are due; TCP_CHECKs are non-blocking connects on the loop's
/// own epoll set (<see cref="EpollTcpConnector"/>), their connect timeouts kept in a second queue of deadlines;
/// other checks run their probe and post the result back. The thread sleeps in epoll_wait until the earliest due
/// check or deadline, a finished connect or a posted result. Verdicts are raised on the loop at once
/// (<see cref="HealthChanged"/>); <see cref="Snapshot"/> reads the latest state from any thread.
/// </summary>
public sealed class HealthCheckScheduler
{
    private readonly IReadOnlyList<RealServerCheck> checks;
    private readonly TimeProvider time;
    private readonly Random random;
    private readonly ConcurrentQueue<(int Index, ProbeResult Result)> completions = new();
    private readonly RealServerHealthStatus[] statuses;

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
        var probes = new Task?[checks.Count];
        var started = new long[checks.Count];
        var deadlines = new PriorityQueue<(int Index, long Started), long>();
        var finished = new List<(int Token, int Error)>();
        using var connector = new EpollTcpConnector(checks.Count);
        using (cancellationToken.Register(connector.Wake))
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var stamp = time.GetTimestamp();
                foreach (var (index, error) in finished)
                {
                    var endpoint = checks[index].RealServer;
                    var message = error == 0 ? $"connected to {endpoint}" : $"connect to {endpoint}: {Marshal.GetPInvokeErrorMessage(error)}";
                    Apply(timeline, index, new ProbeResult(error == 0, message, time.GetElapsedTime(started[index], stamp)), now);
                }

                finished.Clear();
                while (completions.TryDequeue(out var done))
                {
                    probes[done.Index] = null;
                    Apply(timeline, done.Index, done.Result, now);
                }

                // Connects that finished leave their deadline behind: drop those, so that only live ones set the wait.
                while (deadlines.TryPeek(out var pending, out var deadline))
                {
                    var live = connector.IsPending(pending.Index) && started[pending.Index] == pending.Started;
                    if (live && deadline > stamp)
                    {
                        break;
                    }

                    deadlines.Dequeue();
                    if (live)
                    {
                        connector.Abort(pending.Index);
                        var check = checks[pending.Index];
                        var message = $"connect to {check.RealServer}: timed out after {GoDuration.Format(check.ConnectTimeout)}";
                        Apply(timeline, pending.Index, new ProbeResult(false, message, time.GetElapsedTime(pending.Started, stamp)), now);
                    }
                }

                while (timeline.TryTakeDue(now, out var index))
                {
                    var check = checks[index];
                    if (check.Probe is { } probe)
                    {
                        probes[index] = ProbeAsync(index, probe, connector, cancellationToken);
                        continue;
                    }

                    started[index] = stamp;
                    if (connector.Start(index, check.RealServer) is { } error)
                    {
                        finished.Add((index, error));
                    }
                    else
                    {
                        deadlines.Enqueue((index, stamp), stamp + (long)(check.ConnectTimeout.TotalSeconds * time.TimestampFrequency));
                    }
                }

                connector.Wait(finished.Count > 0 ? 0 : WaitMilliseconds(timeline.NextDue, deadlines), finished);
            }

            // Probes observe the same token and wake the connector when done: wait for them before it goes away.
            Task.WaitAll(probes.OfType<Task>().ToArray(), CancellationToken.None);
        }
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

    private async Task ProbeAsync(int index, ITrackProbe probe, EpollTcpConnector connector, CancellationToken cancellationToken)
    {
        ProbeResult result;
        try
        {
            result = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
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
        connector.Wake();
    }

    /// <summary>
    /// Until the earliest due check or connect deadline, rounded up (a wait that ends a fraction of a millisecond
    /// early would find nothing due and spin); -1 when there is neither.
    /// </summary>
    private int WaitMilliseconds(DateTimeOffset? nextDue, PriorityQueue<(int Index, long Started), long> deadlines)
    {
        var wait = double.PositiveInfinity;
        if (nextDue is { } due)
        {
            wait = (due - time.GetUtcNow()).TotalMilliseconds;
        }

        if (deadlines.TryPeek(out _, out var deadline))
        {
            wait = Math.Min(wait, (deadline - time.GetTimestamp()) * 1000.0 / time.TimestampFrequency);
        }

        return double.IsPositiveInfinity(wait) ? -1 : (int)Math.Clamp(Math.Ceiling(wait), 0, int.MaxValue);
    }
}
