using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Health.Checker;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>Live updates of the scheduler's checks (<see cref="HealthCheckScheduler.UpdateChecks"/>) and its per-attempt event.</summary>
public sealed class HealthCheckSchedulerUpdateTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Kept_checks_keep_state_and_schedule_new_ones_wait_for_their_warmup_removed_ones_stop()
    {
        // Fake time: nothing is due until the test moves the clock, then an UpdateChecks (same list) wakes the loop.
        var time = new ManualTimeProvider();
        var everySecond = new RealServerCheckPolicy(TimeSpan.FromSeconds(1), 0, TimeSpan.Zero, warmup: TimeSpan.Zero);
        var slowStart = new RealServerCheckPolicy(TimeSpan.FromSeconds(1), 0, TimeSpan.Zero, warmup: TimeSpan.FromSeconds(10));
        var (probeA, probeB, probeC) = (new CountingProbe(), new CountingProbe(), new CountingProbe());
        var a = Check("a", probeA, everySecond);
        var b = Check("b", probeB, everySecond);
        var c = Check("c", probeC, slowStart);
        var scheduler = new HealthCheckScheduler([a, b], time, new FixedRandom(0.5));
        var changes = new ConcurrentQueue<RealServerHealthChange>();
        var attempts = new ConcurrentQueue<RealServerCheckCompletion>();
        scheduler.HealthChanged += changes.Enqueue;
        scheduler.CheckCompleted += attempts.Enqueue;
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);
        try
        {
            // Waits on CheckCompleted, not on probe calls: a result is applied on the loop after the probe returns.
            await Eventually.WaitUntilAsync(() => changes.Count == 2, Limit);
            var start = time.GetUtcNow();

            scheduler.UpdateChecks([Check("a", probeA, everySecond), c]); // an equal check, not the same object
            await Eventually.WaitUntilAsync(() => scheduler.Snapshot().Any(s => s.VirtualServer == "c"), Limit);
            Assert.Equal(["a", "c"], scheduler.Snapshot().Select(s => s.VirtualServer));
            Assert.True(scheduler.Snapshot()[0].Healthy);
            Assert.Null(scheduler.Snapshot()[1].LastResult);

            time.Advance(TimeSpan.FromSeconds(1));
            scheduler.UpdateChecks([a, c]);
            await Eventually.WaitUntilAsync(() => Attempts("a") == 2, Limit);
            time.Advance(TimeSpan.FromSeconds(3.9));
            scheduler.UpdateChecks([a, c]);
            await Eventually.WaitUntilAsync(() => Attempts("a") == 3, Limit);
            Assert.Equal(0, probeC.Calls); // its first check is half-way through its warmup: 5 s after it was added

            time.Advance(TimeSpan.FromSeconds(0.1));
            scheduler.UpdateChecks([a, c]);
            await Eventually.WaitUntilAsync(() => Attempts("c") == 1 && changes.Count == 3, Limit);

            // a: one verdict (its first result); the success after the update continued its state, no new verdict.
            Assert.Equal(["a", "b", "c"], changes.Select(ch => ch.VirtualServer).Order());
            Assert.Equal(1, probeB.Calls);
            Assert.Equal(1, Attempts("b"));
            Assert.Equal([start, start + TimeSpan.FromSeconds(1), start + TimeSpan.FromSeconds(4.9)], attempts.Where(x => x.Check.VirtualServer == "a").Select(x => x.At).Take(3));
            var first = attempts.Single(x => x.Check.VirtualServer == "c");
            Assert.Equal(c, first.Check);
            Assert.True(first.Success);
            Assert.Equal(start + TimeSpan.FromSeconds(5), first.At);
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(Limit);
        }

        int Attempts(string virtualServer) => attempts.Count(x => x.Check.VirtualServer == virtualServer);
    }

    [Fact]
    public async Task Removing_a_check_cancels_its_probe_in_flight()
    {
        var hanging = new HangingProbe();
        var policy = new RealServerCheckPolicy(TimeSpan.FromSeconds(1), 0, TimeSpan.Zero, warmup: TimeSpan.Zero);
        var scheduler = new HealthCheckScheduler([Check("hangs", hanging, policy)]);
        var attempts = new ConcurrentQueue<RealServerCheckCompletion>();
        scheduler.CheckCompleted += attempts.Enqueue;
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);
        await hanging.Started.Task.WaitAsync(Limit);

        scheduler.UpdateChecks([]);

        await hanging.Cancelled.Task.WaitAsync(Limit);
        // The probe is cancelled before the scheduler publishes its new (empty) statuses: seen once as a flake.
        await Eventually.WaitUntilAsync(() => scheduler.Snapshot().Count == 0, Limit);
        await stop.CancelAsync();
        await run.WaitAsync(Limit);
        Assert.Empty(attempts);
    }

    [Fact]
    public async Task On_loopback_a_removed_check_with_a_connect_in_flight_reports_nothing_and_an_added_one_starts()
    {
        using var hanging = await HangingListener.StartAsync();
        using var live = new TcpListener(IPAddress.Loopback, 0);
        live.Start(100);
        var liveEndpoint = (IPEndPoint)live.LocalEndpoint;
        var connectTimeout = TimeSpan.FromMilliseconds(500);
        var everyTenth = new RealServerCheckPolicy(TimeSpan.FromMilliseconds(100), 0, TimeSpan.Zero, warmup: TimeSpan.Zero);
        // Long enough that the removal surely lands while this connect is in flight, even on a loaded machine.
        var hangTimeout = TimeSpan.FromSeconds(2);
        var hangs = RealServerCheck.TcpConnect("vs", hanging.Endpoint, hangTimeout, everyTenth);
        var up = RealServerCheck.TcpConnect("vs", liveEndpoint, connectTimeout, everyTenth);
        var scheduler = new HealthCheckScheduler([hangs, up]);
        var changes = new ConcurrentQueue<RealServerHealthChange>();
        var attempts = new ConcurrentQueue<RealServerCheckCompletion>();
        scheduler.HealthChanged += changes.Enqueue;
        scheduler.CheckCompleted += attempts.Enqueue;
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);
        try
        {
            await Eventually.WaitUntilAsync(() => !changes.IsEmpty, Limit);
            scheduler.UpdateChecks([up]); // well before the hanging connect's 2 s are up
            await Eventually.WaitUntilAsync(() => scheduler.Snapshot().Count == 1, Limit);
            var removedAt = DateTimeOffset.UtcNow;
            await Task.Delay(hangTimeout + TimeSpan.FromMilliseconds(300));

            Assert.DoesNotContain(attempts, x => x.Check == hangs);
            Assert.DoesNotContain(changes, x => x.RealServer.Equals(hanging.Endpoint));
            var ups = attempts.Where(x => x.Check == up && x.At > removedAt && x.At <= removedAt + TimeSpan.FromMilliseconds(800)).ToArray();
            Assert.InRange(ups.Length, 4, 9); // one every 100 ms (plus the connect) over 800 ms
            Assert.All(ups, x => Assert.True(x.Success));
            Assert.All(ups, x => Assert.InRange(x.Latency, TimeSpan.Zero, TimeSpan.FromMilliseconds(100)));

            var added = RealServerCheck.TcpConnect("other", liveEndpoint, connectTimeout, everyTenth);
            scheduler.UpdateChecks([up, added]);
            await Eventually.WaitUntilAsync(() => changes.Any(x => x.VirtualServer == "other"), Limit);
            Assert.True(changes.Single(x => x.VirtualServer == "other").Healthy);
            Assert.Single(changes, x => x.VirtualServer == "vs"); // the kept check's only verdict is its first
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(Limit);
        }
    }

    private static RealServerCheck Check(string virtualServer, ITrackProbe probe, RealServerCheckPolicy policy) =>
        RealServerCheck.WithProbe(virtualServer, new IPEndPoint(IPAddress.Loopback, 80), probe, policy);

    /// <summary>Every warmup fraction is the same: first checks at a known point of the warmup.</summary>
    private sealed class FixedRandom(double fraction) : Random
    {
        public override double NextDouble() => fraction;
    }

    /// <summary>Succeeds at once, counting its calls.</summary>
    private sealed class CountingProbe : ITrackProbe
    {
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(new ProbeResult(true, "ok", TimeSpan.Zero));
        }
    }

    /// <summary>Never answers; says when it started and when it was cancelled.</summary>
    private sealed class HangingProbe : ITrackProbe
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Cancelled.TrySetResult();
            }

            return default;
        }
    }
}
