using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Health;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health;

public class TrackMonitorTests
{
    /// <summary>Answers from a script of results (true = success); records when it was called.</summary>
    private sealed class ScriptedProbe(ManualTimeProvider time, params bool[] script) : ITrackProbe
    {
        private int calls;

        public List<DateTimeOffset> CalledAt { get; } = [];

        public Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            lock (CalledAt)
            {
                CalledAt.Add(time.GetUtcNow());
            }

            var ok = script[Math.Min(calls++, script.Length - 1)];
            return Task.FromResult(new ProbeResult(ok, ok ? "ok" : "down", TimeSpan.Zero));
        }
    }

    /// <summary>Never answers until cancelled.</summary>
    private sealed class HangingProbe : ITrackProbe
    {
        public int Calls;

        public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return default;
        }
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly SemaphoreSlim completed = new(0);
        private readonly Task loop;

        public Harness(TrackMonitor monitor, ManualTimeProvider time)
        {
            Monitor = monitor;
            Time = time;
            monitor.ProbeCompleted += _ => completed.Release();
            monitor.StatusChanged += s =>
            {
                lock (Changes)
                {
                    Changes.Add(s);
                }
            };
            loop = Task.Run(() => monitor.RunAsync(stop.Token));
        }

        public TrackMonitor Monitor { get; }

        public ManualTimeProvider Time { get; }

        public List<TrackStatus> Changes { get; } = [];

        /// <summary>Advances the clock in small steps until <paramref name="results"/> more probe results were applied.</summary>
        public async Task StepUntilResults(int results, TimeSpan step)
        {
            for (var got = 0; got < results;)
            {
                if (await completed.WaitAsync(TimeSpan.FromMilliseconds(20)))
                {
                    got++;
                    continue;
                }

                Time.Advance(step);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop.WaitAsync(TimeSpan.FromSeconds(10));
            stop.Dispose();
        }
    }

    [Fact]
    public async Task Reports_priority_changes_with_rise_and_fall()
    {
        var time = new ManualTimeProvider();
        // ok, ok, fail, fail (-> failed after fall=2), fail, ok, ok (-> ok after rise=2)
        var probe = new ScriptedProbe(time, true, true, false, false, false, true, true);
        var monitor = new TrackMonitor(100, [new TrackedCheck("web", probe, -30, TimeSpan.FromSeconds(2), Rise: 2, Fall: 2)], time, new Random(1));
        Assert.Equal(new TrackStatus(100, false, false, monitor.Current.Checks), monitor.Current);
        Assert.Equal(TrackState.Init, monitor.Current.Checks.Single().State);

        await using var harness = new Harness(monitor, time);
        await harness.StepUntilResults(7, TimeSpan.FromMilliseconds(250));

        Assert.Equal([70, 100], harness.Changes.Select(c => (int)c.EffectivePriority));
        Assert.Equal(TrackState.Ok, monitor.Current.Checks.Single().State);
        Assert.Equal("ok", monitor.Current.Checks.Single().LastResult!.Value.Message);
    }

    [Fact]
    public async Task Probes_every_interval_after_a_jittered_first_run_below_one_second()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var probe = new ScriptedProbe(time, true);
        var monitor = new TrackMonitor(100, [new TrackedCheck("web", probe, -10, TimeSpan.FromSeconds(5), 1, 1)], time, new Random(3));
        await using (var harness = new Harness(monitor, time))
        {
            await harness.StepUntilResults(4, TimeSpan.FromMilliseconds(100));
        }

        var first = probe.CalledAt[0] - start;
        Assert.InRange(first, TimeSpan.Zero, TimeSpan.FromSeconds(1.5)); // jitter < 1s, plus slack for a slow start on a busy machine
        for (var i = 1; i < probe.CalledAt.Count; i++)
        {
            // Each run starts one interval after the previous one (plus this test's 100 ms clock steps, with slack for a busy machine).
            Assert.InRange(probe.CalledAt[i] - probe.CalledAt[i - 1], TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5.5));
        }
    }

    [Fact]
    public async Task Weight_zero_check_means_initializing_then_fault()
    {
        var time = new ManualTimeProvider();
        var probe = new ScriptedProbe(time, false, true);
        var monitor = new TrackMonitor(100, [new TrackedCheck("db", probe, 0, TimeSpan.FromSeconds(1), 1, 1)], time, new Random(5));
        Assert.True(monitor.Current.Initializing);
        Assert.False(monitor.Current.Fault);

        await using var harness = new Harness(monitor, time);
        await harness.StepUntilResults(2, TimeSpan.FromMilliseconds(100));
        Assert.Collection(
            harness.Changes,
            s => { Assert.True(s.Fault); Assert.False(s.Initializing); Assert.Equal(100, s.EffectivePriority); },
            s => { Assert.False(s.Fault); Assert.False(s.Initializing); });
    }

    [Fact]
    public async Task Several_checks_add_up_and_a_throwing_probe_counts_as_failed()
    {
        var time = new ManualTimeProvider();
        var up = new ScriptedProbe(time, true);
        var thrower = new ThrowingProbe();
        var monitor = new TrackMonitor(
            100,
            [new TrackedCheck("up", up, 15, TimeSpan.FromSeconds(1), 1, 1), new TrackedCheck("bad", thrower, -40, TimeSpan.FromSeconds(1), 1, 1)],
            time,
            new Random(9));
        await using var harness = new Harness(monitor, time);
        await harness.StepUntilResults(2, TimeSpan.FromMilliseconds(100));
        Assert.Equal(75, monitor.Current.EffectivePriority);
        var bad = monitor.Current.Checks.Single(c => c.Name == "bad");
        Assert.Equal(TrackState.Failed, bad.State);
        Assert.Contains("boom", bad.LastResult!.Value.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingProbe : ITrackProbe
    {
        public Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("boom");
    }

    [Fact]
    public async Task A_hanging_probe_is_not_started_twice_and_cancellation_ends_the_loop()
    {
        var time = new ManualTimeProvider();
        var probe = new HangingProbe();
        var monitor = new TrackMonitor(100, [new TrackedCheck("slow", probe, -10, TimeSpan.FromSeconds(1), 1, 1)], time);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => monitor.RunAsync(stop.Token));
        for (var i = 0; i < 50; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(2);
        }

        Assert.Equal(1, Volatile.Read(ref probe.Calls));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(loop.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Without_checks_it_waits_for_cancellation()
    {
        var monitor = new TrackMonitor(120, [], new ManualTimeProvider());
        Assert.Equal(new TrackStatus(120, false, false, []), monitor.Current with { Checks = [] });
        using var stop = new CancellationTokenSource();
        var loop = monitor.RunAsync(stop.Token);
        await Task.Delay(20);
        Assert.False(loop.IsCompleted);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void For_checks_uses_the_base_priority_and_builds_probes()
    {
        TrackCheckSettings[] track =
        [
            new("tcp", new TcpTrackTarget("127.0.0.1", 80), -10, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 1, 1),
            new("http", new HttpTrackTarget(new Uri("http://127.0.0.1/"), KeepOperator.Api.HttpStatusRanges.Default), 5, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 1, 1),
        ];
        var monitor = TrackMonitor.ForChecks(90, track);
        Assert.Equal(90, monitor.Current.EffectivePriority);
        Assert.Equal(["tcp", "http"], monitor.Current.Checks.Select(c => c.Name));
        Assert.IsType<TcpConnectProbe>(TrackProbeFactory.Create(track[0]));
        Assert.IsType<HttpGetProbe>(TrackProbeFactory.Create(track[1]));
    }
}
