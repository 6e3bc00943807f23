using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Health;

/// <summary>A check as the monitor runs it.</summary>
public sealed record TrackedCheck(string Name, ITrackProbe Probe, int Weight, TimeSpan Interval, int Rise, int Fall);

/// <summary>One check's state and its latest result.</summary>
public sealed record TrackCheckStatus(string Name, TrackState State, int Weight, ProbeResult? LastResult);

/// <summary>What tracking says about an instance.</summary>
/// <param name="EffectivePriority">Base priority adjusted by the weighted checks that have a result (<see cref="TrackedPriority.Compute"/>).</param>
/// <param name="Fault">A weight-0 check is failing: the instance must go to FAULT.</param>
/// <param name="Initializing">A weight-0 check has no result yet: keepalived keeps the instance from starting until it has.</param>
public sealed record TrackStatus(byte EffectivePriority, bool Fault, bool Initializing, IReadOnlyList<TrackCheckStatus> Checks);

/// <summary>Builds probes for resolved track settings.</summary>
public static class TrackProbeFactory
{
    public static ITrackProbe Create(TrackCheckSettings check, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Target switch
        {
            TcpTrackTarget tcp => new TcpConnectProbe(tcp.Host, tcp.Port, check.Timeout, timeProvider),
            HttpTrackTarget http => new HttpGetProbe(http.Url, http.ExpectedStatus, check.Timeout, timeProvider: timeProvider),
            _ => throw new ArgumentException($"unsupported track target {check.Target.GetType().Name}", nameof(check)),
        };
    }
}

/// <summary>
/// Runs an instance's checks periodically on one async loop driven by a <see cref="TimeProvider"/> (no timer or thread
/// per check) and reports the effective priority. Each check first runs after a random delay below
/// min(interval, 1s), so checks of many instances do not fire together, then every interval from the start of its
/// previous run (a slow probe is not run twice at once). Checks with no result yet do not change the priority.
/// </summary>
public sealed class TrackMonitor
{
    private static readonly TimeSpan MaxFirstRunJitter = TimeSpan.FromSeconds(1);

    private readonly byte basePriority;
    private readonly IReadOnlyList<TrackedCheck> checks;
    private readonly RiseFallCounter[] counters;
    private readonly ProbeResult?[] lastResults;
    private readonly TimeProvider timeProvider;
    private readonly Random random;
    private TrackStatus current;

    public TrackMonitor(byte basePriority, IReadOnlyList<TrackedCheck> checks, TimeProvider? timeProvider = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        foreach (var check in checks)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(check.Interval, TimeSpan.Zero, nameof(checks));
        }

        this.basePriority = basePriority;
        this.checks = checks;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.random = random ?? Random.Shared;
        counters = checks.Select(c => new RiseFallCounter(c.Rise, c.Fall)).ToArray();
        lastResults = new ProbeResult?[checks.Count];
        current = Evaluate();
    }

    /// <summary>Raised on the monitor's loop when the effective priority, Fault or Initializing changes.</summary>
    public event Action<TrackStatus>? StatusChanged;

    /// <summary>Raised on the monitor's loop when a check changes state (for a log line).</summary>
    public event Action<TrackCheckStatus>? CheckChanged;

    /// <summary>Raised on the monitor's loop after every probe result has been applied.</summary>
    public event Action<TrackCheckStatus>? ProbeCompleted;

    public TrackStatus Current => Volatile.Read(ref current);

    /// <summary>A monitor for an instance's base priority and its (tcp/http) checks.</summary>
    public static TrackMonitor ForChecks(byte basePriority, IReadOnlyList<TrackCheckSettings> track, TimeProvider? timeProvider = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(track);
        var tracked = track
            .Select(t => new TrackedCheck(t.Name, TrackProbeFactory.Create(t, timeProvider), t.Weight, t.Interval, t.Rise, t.Fall))
            .ToList();
        return new TrackMonitor(basePriority, tracked, timeProvider, random);
    }

    /// <summary>Probes until cancelled; returns (without throwing) once <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var count = checks.Count;
        var next = new DateTimeOffset[count];
        var running = new Task<ProbeResult>?[count];
        var start = timeProvider.GetUtcNow();
        for (var i = 0; i < count; i++)
        {
            var jitterLimit = checks[i].Interval < MaxFirstRunJitter ? checks[i].Interval : MaxFirstRunJitter;
            next[i] = start + (jitterLimit * random.NextDouble());
        }

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = timeProvider.GetUtcNow();
                var wakeAt = DateTimeOffset.MaxValue;
                for (var i = 0; i < count; i++)
                {
                    if (running[i] is null && next[i] <= now)
                    {
                        running[i] = RunProbeAsync(checks[i].Probe, cancellationToken);
                        next[i] = now + checks[i].Interval;
                    }

                    if (running[i] is null && next[i] < wakeAt)
                    {
                        wakeAt = next[i];
                    }
                }

                using (var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    var waits = new List<Task>(count + 1);
                    foreach (var task in running)
                    {
                        if (task is not null)
                        {
                            waits.Add(task);
                        }
                    }

                    var delay = wakeAt == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : wakeAt - now;
                    if (delay != Timeout.InfiniteTimeSpan && delay < TimeSpan.Zero)
                    {
                        delay = TimeSpan.Zero;
                    }

                    waits.Add(Task.Delay(delay, timeProvider, wake.Token));
                    await Task.WhenAny(waits).ConfigureAwait(false);
                    await wake.CancelAsync().ConfigureAwait(false);
                }

                for (var i = 0; i < count; i++)
                {
                    if (running[i] is { IsCompleted: true } done)
                    {
                        running[i] = null;
                        if (done.IsCompletedSuccessfully)
                        {
                            Apply(i, done.Result);
                        }
                    }
                }
            }
        }
        finally
        {
            // Probes observe the same token; let them finish so none is left running unobserved.
            foreach (var task in running)
            {
                if (task is not null)
                {
                    try
                    {
                        await task.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        }
    }

    private static async Task<ProbeResult> RunProbeAsync(ITrackProbe probe, CancellationToken cancellationToken)
    {
        try
        {
            return await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // a probe that throws counts as a failed probe; the loop must go on
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new ProbeResult(false, $"probe failed: {e.Message}", TimeSpan.Zero);
        }
    }

    private void Apply(int index, ProbeResult result)
    {
        lastResults[index] = result;
        var changed = counters[index].Record(result.Success);
        var check = StatusOf(index);
        if (changed)
        {
            CheckChanged?.Invoke(check);
        }

        var before = Current;
        var after = Evaluate();
        Volatile.Write(ref current, after);
        if (after.EffectivePriority != before.EffectivePriority || after.Fault != before.Fault || after.Initializing != before.Initializing)
        {
            StatusChanged?.Invoke(after);
        }

        ProbeCompleted?.Invoke(check);
    }

    private TrackCheckStatus StatusOf(int index) =>
        new(checks[index].Name, counters[index].State, checks[index].Weight, lastResults[index]);

    private TrackStatus Evaluate()
    {
        var known = new List<(int Weight, bool Ok)>(checks.Count);
        var initializing = false;
        for (var i = 0; i < checks.Count; i++)
        {
            var state = counters[i].State;
            if (state == TrackState.Init)
            {
                initializing |= checks[i].Weight == 0;
                continue;
            }

            known.Add((checks[i].Weight, state == TrackState.Ok));
        }

        return new TrackStatus(
            TrackedPriority.Compute(basePriority, known),
            TrackedPriority.IsFault(known),
            initializing,
            Enumerable.Range(0, checks.Count).Select(StatusOf).ToList());
    }
}
