using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using KeepOperator.Api;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// Runs every real server's checks from one loop on one dedicated thread, as keepalived's checker process does:
/// a <see cref="HealthCheckTimeline"/> says which checks are due; TCP_CHECKs are non-blocking connects on the loop's
/// own epoll set (<see cref="EpollTcpConnector"/>), their connect timeouts kept in a second queue of deadlines;
/// other checks run their probe and post the result back. The thread sleeps in epoll_wait until the earliest due
/// check or deadline, a finished connect, a posted result or a new list of checks (<see cref="UpdateChecks"/>).
/// Verdicts and attempts are raised on the loop at once (<see cref="HealthChanged"/>, <see cref="CheckCompleted"/>);
/// <see cref="Snapshot"/> reads the latest state from any thread. A finished check allocates nothing (its state is
/// written in place under a lock, its status record built only by <see cref="Snapshot"/>): with thousands of checks a
/// second, a record per check grew the heap to the GC's gen0 budget between collections, most of the checker's RSS.
/// </summary>
public sealed class HealthCheckScheduler
{
    private readonly TimeProvider time;
    private readonly HealthCheckTimeline timeline;
    private readonly ConcurrentQueue<(int Slot, int Generation, ProbeResult Result)> completions = new();
    private readonly Lock wakeGate = new();
    private readonly List<Task> cancelledProbes = [];
    private RealServerCheck[]? pendingChecks;
    private readonly Lock statusGate = new();
    private RealServerCheck[] statusChecks;
    private Latest[] statuses;
    private EpollTcpConnector? running;
    private int started;

    // Owned by the loop: the checks in the order last applied, the timeline slot of each, and each slot's state.
    private RealServerCheck[] active = [];
    private int[] activeSlots = [];
    private Slot[] slots = [];

    public HealthCheckScheduler(IReadOnlyList<RealServerCheck> checks, TimeProvider? time = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        this.time = time ?? TimeProvider.System;
        timeline = new HealthCheckTimeline(random ?? Random.Shared);
        pendingChecks = [.. checks];
        statusChecks = pendingChecks;
        statuses = [.. pendingChecks.Select(Latest.Initial)];
    }

    /// <summary>Raised on the loop for each verdict (a change, or the first result's decision); keep handlers short.</summary>
    public event Action<RealServerHealthChange>? HealthChanged;

    /// <summary>Raised on the loop for every finished check attempt of a current check; keep handlers short (and allocation-free: one runs per check).</summary>
    public event Action<RealServerCheckCompletion>? CheckCompleted;

    /// <summary>
    /// Every real server's latest state, in the order of the checks last applied (given to the constructor or to
    /// <see cref="UpdateChecks"/>); safe from any thread.
    /// </summary>
    public IReadOnlyList<RealServerHealthStatus> Snapshot()
    {
        lock (statusGate)
        {
            var copy = new RealServerHealthStatus[statuses.Length];
            for (var i = 0; i < copy.Length; i++)
            {
                var (check, latest) = (statusChecks[i], statuses[i]);
                copy[i] = new RealServerHealthStatus(check.VirtualServer, check.RealServer, latest.Healthy, latest.LastResult, latest.LastCheck);
            }

            return copy;
        }
    }

    /// <summary>
    /// Replaces the list of checks; safe from any thread, applied on the loop soon after (the latest list wins). A
    /// check equal to a current one (<see cref="RealServerCheck.Equals(RealServerCheck?)"/>) keeps its health state
    /// and schedule; a new one is first checked after its policy's warmup (at a random point of it); a removed one
    /// stops: its connect in flight is closed, its probe cancelled, and no result or verdict of it is raised any more.
    /// </summary>
    public void UpdateChecks(IReadOnlyList<RealServerCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        Volatile.Write(ref pendingChecks, [.. checks]);
        WakeLoop();
    }

    /// <summary>Checks until cancelled; the task ends (without throwing) once the probes in flight have stopped.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref started, 1) != 0)
        {
            throw new InvalidOperationException("the scheduler runs once");
        }

        return Task.Factory.StartNew(() => Run(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken cancellationToken)
    {
        var deadlines = new PriorityQueue<(int Slot, long Started), long>();
        // Sized for one epoll batch, so that a burst of finished connects does not grow it on the hot path.
        var finished = new List<(int Token, int Error)>(EpollTcpConnector.MaxEvents);
        using var connector = new EpollTcpConnector();
        lock (wakeGate)
        {
            running = connector;
        }

        try
        {
            using var wake = cancellationToken.Register(WakeLoop);
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var stamp = time.GetTimestamp();
                if (Interlocked.Exchange(ref pendingChecks, null) is { } next)
                {
                    ApplyChecks(next, now, connector, finished, cancellationToken);
                }

                foreach (var (slot, error) in finished)
                {
                    var endpoint = slots[slot].Check!.RealServer;
                    var message = error == 0
                        ? slots[slot].ConnectedMessage ??= $"connected to {endpoint}"
                        : $"connect to {endpoint}: {Marshal.GetPInvokeErrorMessage(error)}";
                    Complete(slot, new ProbeResult(error == 0, message, time.GetElapsedTime(slots[slot].Started, stamp)), now);
                }

                finished.Clear();
                while (completions.TryDequeue(out var done))
                {
                    // A probe of a removed check (or of an earlier check in the same slot) reports to nobody.
                    if (slots[done.Slot].Generation == done.Generation && slots[done.Slot].Check is not null)
                    {
                        slots[done.Slot].Probe = null;
                        Complete(done.Slot, done.Result, now);
                    }
                }

                // Connects that finished leave their deadline behind: drop those, so that only live ones set the wait.
                while (deadlines.TryPeek(out var pending, out var deadline))
                {
                    var live = connector.IsPending(pending.Slot) && slots[pending.Slot].Started == pending.Started;
                    if (live && deadline > stamp)
                    {
                        break;
                    }

                    deadlines.Dequeue();
                    if (live)
                    {
                        connector.Abort(pending.Slot);
                        var check = slots[pending.Slot].Check!;
                        var message = $"connect to {check.RealServer}: timed out after {GoDuration.Format(check.ConnectTimeout)}";
                        Complete(pending.Slot, new ProbeResult(false, message, time.GetElapsedTime(pending.Started, stamp)), now);
                    }
                }

                while (timeline.TryTakeDue(now, out var slot))
                {
                    var check = slots[slot].Check!;
                    if (check.Probe is { } probe)
                    {
                        slots[slot].Probe = ProbeAsync(slot, slots[slot].Generation, probe, slots[slot].ProbeCancel!.Token);
                        continue;
                    }

                    slots[slot].Started = stamp;
                    if (connector.Start(slot, slots[slot].Address!) is { } error)
                    {
                        finished.Add((slot, error));
                    }
                    else
                    {
                        deadlines.Enqueue((slot, stamp), stamp + (long)(check.ConnectTimeout.TotalSeconds * time.TimestampFrequency));
                    }
                }

                connector.Wait(finished.Count > 0 ? 0 : WaitMilliseconds(timeline.NextDue, deadlines), finished);
            }
        }
        finally
        {
            lock (wakeGate)
            {
                running = null;
            }

            // Probes observe the run's token: wait for them, then release their cancellation sources.
            Task.WaitAll([.. slots.Select(s => s.Probe).OfType<Task>(), .. cancelledProbes], CancellationToken.None);
            foreach (var slot in slots)
            {
                slot.ProbeCancel?.Dispose();
            }
        }
    }

    /// <summary>Moves the loop onto a new list of checks: continues equal ones, stops removed ones, adds new ones.</summary>
    private void ApplyChecks(RealServerCheck[] next, DateTimeOffset now, EpollTcpConnector connector, List<(int Token, int Error)> finished, CancellationToken cancellationToken)
    {
        var matching = RealServerCheckMatching.Match(active, next);
        foreach (var position in matching.Removed)
        {
            var slot = activeSlots[position];
            if (connector.IsPending(slot))
            {
                connector.Abort(slot);
            }

            finished.RemoveAll(f => f.Token == slot);
            if (slots[slot].ProbeCancel is { } cancel)
            {
                cancel.Cancel();
                cancel.Dispose();
            }

            if (slots[slot].Probe is { } probe)
            {
                cancelledProbes.Add(probe);
            }

            timeline.Remove(slot);
            slots[slot] = new Slot { Generation = slots[slot].Generation };
        }

        cancelledProbes.RemoveAll(t => t.IsCompleted);
        var nextSlots = new int[next.Length];
        var nextStatuses = new Latest[next.Length];
        for (var i = 0; i < next.Length; i++)
        {
            if (matching.Previous[i] is var previous and >= 0)
            {
                nextSlots[i] = activeSlots[previous];
                nextStatuses[i] = statuses[previous];
            }
            else
            {
                var slot = nextSlots[i] = timeline.Add(next[i].Policy, now);
                if (slot >= slots.Length)
                {
                    Array.Resize(ref slots, timeline.Capacity * 2);
                    connector.EnsureCapacity(slots.Length);
                }

                slots[slot] = new Slot
                {
                    Check = next[i],
                    Address = next[i].Probe is null ? EpollTcpConnector.SocketAddress(next[i].RealServer) : null,
                    Generation = slots[slot].Generation + 1,
                    ProbeCancel = next[i].Probe is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken),
                };
                nextStatuses[i] = Latest.Initial(next[i]);
            }

            slots[nextSlots[i]].Position = i;
        }

        active = next;
        activeSlots = nextSlots;
        lock (statusGate)
        {
            (statusChecks, statuses) = (next, nextStatuses);
        }
    }

    private void Complete(int slot, ProbeResult result, DateTimeOffset now)
    {
        var check = slots[slot].Check!;
        var step = timeline.Complete(slot, result.Success, now);
        lock (statusGate)
        {
            statuses[slots[slot].Position] = new Latest(step.State.IsUp, result, now);
        }

        CheckCompleted?.Invoke(new RealServerCheckCompletion(check, result.Success, result.Duration, now));
        if (step.Verdict is { } verdict)
        {
            HealthChanged?.Invoke(new RealServerHealthChange(check.VirtualServer, check.RealServer, verdict == HealthVerdict.Up, result.Message, result.Duration, now));
        }
    }

    private async Task ProbeAsync(int slot, int generation, ITrackProbe probe, CancellationToken cancellationToken)
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

        completions.Enqueue((slot, generation, result));
        WakeLoop();
    }

    /// <summary>Interrupts the loop's wait; a no-op when it is not running (its eventfd may already be closed).</summary>
    private void WakeLoop()
    {
        lock (wakeGate)
        {
            running?.Wake();
        }
    }

    /// <summary>
    /// Until the earliest due check or connect deadline, rounded up (a wait that ends a fraction of a millisecond
    /// early would find nothing due and spin); -1 when there is neither.
    /// </summary>
    private int WaitMilliseconds(DateTimeOffset? nextDue, PriorityQueue<(int Slot, long Started), long> deadlines)
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

    /// <summary>A real server's health and latest result, as <see cref="Snapshot"/> reports them.</summary>
    private readonly record struct Latest(bool Healthy, ProbeResult? LastResult, DateTimeOffset? LastCheck)
    {
        public static Latest Initial(RealServerCheck check) => new(!check.Policy.Alpha, null, null);
    }

    /// <summary>One timeline slot's check and what is in flight for it.</summary>
    private struct Slot
    {
        public RealServerCheck? Check;

        /// <summary>Bumped whenever the slot gets a new check, so that a late probe result of the old one is dropped.</summary>
        public int Generation;

        /// <summary>Where the check sits in the list last applied (its index in the snapshot).</summary>
        public int Position;

        /// <summary>When its connect started (TimeProvider timestamp).</summary>
        public long Started;

        /// <summary>A TCP_CHECK's sockaddr, built once.</summary>
        public byte[]? Address;

        public string? ConnectedMessage;

        public Task? Probe;

        public CancellationTokenSource? ProbeCancel;
    }
}
