using KeepOperator.NodeAgent.Health.Checker;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>Many targets on one timeline, driven by a fake clock with scripted results and check durations.</summary>
public sealed class HealthCheckTimelineTests
{
    private static readonly RealServerCheckPolicy EverySecond = new(TimeSpan.FromSeconds(1), 1, TimeSpan.FromMilliseconds(300));

    [Fact]
    public void First_checks_of_a_thousand_targets_are_spread_over_the_first_interval()
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var timeline = new HealthCheckTimeline(Enumerable.Repeat(EverySecond, 1000).ToArray(), start, new Random(7));

        var perTenMs = new int[100];
        for (var ms = 10; ms <= 1000; ms += 10)
        {
            var now = start + TimeSpan.FromMilliseconds(ms);
            while (timeline.TryTakeDue(now, out _))
            {
                perTenMs[(ms / 10) - 1]++;
            }
        }

        Assert.Equal(1000, perTenMs.Sum()); // all due within the first interval
        Assert.Null(timeline.NextDue); // and all in flight now
        Assert.InRange(perTenMs.Max(), 1, 30); // ~10 expected per 10 ms; never a burst
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Each_target_is_checked_again_exactly_when_its_last_result_said(int seed)
    {
        var random = new Random(seed);
        var time = new ManualTimeProvider();
        var timeline = new HealthCheckTimeline(Enumerable.Repeat(EverySecond, 50).ToArray(), time.GetUtcNow(), random);
        var expectedNext = new DateTimeOffset?[50];
        var running = new List<(int Index, DateTimeOffset EndsAt)>();
        var checks = 0;
        while (time.GetUtcNow() < new DateTimeOffset(2024, 1, 1, 0, 1, 0, TimeSpan.Zero))
        {
            var now = time.GetUtcNow();
            foreach (var done in running.Where(r => r.EndsAt <= now).ToList())
            {
                running.Remove(done);
                var step = timeline.Complete(done.Index, random.Next(3) > 0, now);
                expectedNext[done.Index] = step.NextCheck;
            }

            while (timeline.TryTakeDue(now, out var index))
            {
                Assert.DoesNotContain(running, r => r.Index == index);
                if (expectedNext[index] is { } expected)
                {
                    Assert.Equal(expected, now);
                }

                running.Add((index, now + TimeSpan.FromMilliseconds(random.Next(0, 1_200))));
                checks++;
            }

            var wakeAt = running.Select(r => r.EndsAt).Append(timeline.NextDue ?? DateTimeOffset.MaxValue).Min();
            time.Advance(wakeAt - now);
        }

        Assert.InRange(checks, 50 * 20, 50 * 60);
    }

    [Fact]
    public void A_result_for_a_target_not_in_flight_is_refused()
    {
        var time = new ManualTimeProvider();
        var timeline = new HealthCheckTimeline([EverySecond], time.GetUtcNow(), new Random(1));
        Assert.Throws<InvalidOperationException>(() => timeline.Complete(0, true, time.GetUtcNow()));
    }

    [Fact]
    public void Targets_added_later_start_within_their_warmup_and_leave_the_others_schedule_alone()
    {
        var time = new ManualTimeProvider();
        var timeline = new HealthCheckTimeline([EverySecond, EverySecond], time.GetUtcNow(), new Random(4));
        var nextChecks = new DateTimeOffset[2];
        time.Advance(TimeSpan.FromSeconds(1));
        while (timeline.TryTakeDue(time.GetUtcNow(), out var index))
        {
            nextChecks[index] = timeline.Complete(index, true, time.GetUtcNow()).NextCheck;
        }

        var addedAt = time.GetUtcNow() + TimeSpan.FromMilliseconds(100);
        var warmup = new RealServerCheckPolicy(TimeSpan.FromSeconds(1), 1, TimeSpan.Zero, warmup: TimeSpan.FromSeconds(5));
        var added = Enumerable.Range(0, 20).Select(_ => timeline.Add(warmup, addedAt)).ToArray();
        Assert.Equal(Enumerable.Range(2, 20), added);
        Assert.Equal(22, timeline.Count);

        var firstChecks = new Dictionary<int, DateTimeOffset>();
        for (var step = 0; step < 600; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            var now = time.GetUtcNow();
            while (timeline.TryTakeDue(now, out var index))
            {
                var next = timeline.Complete(index, true, now).NextCheck;
                if (index < 2)
                {
                    Assert.InRange(now, nextChecks[index], nextChecks[index] + TimeSpan.FromMilliseconds(10)); // due when it was
                    nextChecks[index] = next;
                }
                else
                {
                    firstChecks.TryAdd(index, now);
                }
            }
        }

        Assert.Equal(added, firstChecks.Keys.Order());
        Assert.All(firstChecks.Values, at => Assert.InRange(at, addedAt, addedAt + TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(10)));
        Assert.True(firstChecks.Values.Max() - firstChecks.Values.Min() > TimeSpan.FromSeconds(2), "first checks spread over the warmup");
    }

    [Fact]
    public void A_removed_target_is_never_due_again_and_its_index_is_reused()
    {
        var time = new ManualTimeProvider();
        var timeline = new HealthCheckTimeline([EverySecond, EverySecond, EverySecond], time.GetUtcNow(), new Random(2));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(timeline.TryTakeDue(time.GetUtcNow(), out var inFlight));
        var queued = Enumerable.Range(0, 3).First(i => i != inFlight);

        timeline.Remove(inFlight);
        timeline.Remove(queued);

        Assert.Throws<InvalidOperationException>(() => timeline.Complete(inFlight, true, time.GetUtcNow()));
        Assert.Throws<InvalidOperationException>(() => timeline.Remove(queued));
        Assert.Equal(1, timeline.Count);
        var taken = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            while (timeline.TryTakeDue(time.GetUtcNow(), out var index))
            {
                taken.Add(index);
                timeline.Complete(index, false, time.GetUtcNow());
            }
        }

        var survivor = Assert.Single(taken.Distinct());
        Assert.NotEqual(inFlight, survivor);
        Assert.NotEqual(queued, survivor);

        // The freed indices come back, each with a fresh state (up, never run) and no stale queue entry.
        var reused = new[] { timeline.Add(EverySecond, time.GetUtcNow()), timeline.Add(EverySecond, time.GetUtcNow()) };
        Assert.Equal(new[] { inFlight, queued }.Order(), reused.Order());
        Assert.All(reused, i => Assert.Equal(new RealServerHealth(true, false, 0), timeline.StateOf(i)));
        Assert.Equal(3, timeline.Capacity);
    }
}
