using KeepOperator.NodeAgent.Health.Checker;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>
/// keepalived's checker rule (tcp_epilog) on a fake clock: seeded random result sequences with random check
/// durations, against an independent statement of the rule in terms of consecutive failures.
/// </summary>
public sealed class RealServerHealthTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 200)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_runs_follow_keepalived_rule(int seed)
    {
        var random = new Random(seed);
        var policy = new RealServerCheckPolicy(
            TimeSpan.FromMilliseconds(random.Next(100, 10_000)),
            random.Next(0, 5),
            TimeSpan.FromMilliseconds(random.Next(0, 3_000)),
            alpha: random.Next(4) == 0);
        var time = new ManualTimeProvider();
        var state = RealServerHealth.Initial(policy);
        Assert.Equal(!policy.Alpha, state.IsUp);
        var next = RealServerHealth.FirstCheckAt(policy, time.GetUtcNow(), random.NextDouble());
        Assert.InRange(next, time.GetUtcNow(), time.GetUtcNow() + policy.Warmup);

        // The model: up until retry+1 consecutive failures, up again after one success.
        var modelUp = !policy.Alpha;
        var consecutiveFailures = 0;
        var first = true;
        var failureRate = random.NextDouble();
        for (var round = 0; round < 300; round++)
        {
            time.Advance(next - time.GetUtcNow() + TimeSpan.FromMilliseconds(random.Next(0, 1_500)));
            var now = time.GetUtcNow();
            var success = random.NextDouble() >= failureRate;

            var step = state.Apply(policy, success, now);

            HealthVerdict? expectedVerdict;
            TimeSpan expectedDelay;
            if (success)
            {
                expectedVerdict = !modelUp || first ? HealthVerdict.Up : null;
                expectedDelay = policy.DelayLoop;
                modelUp = true;
                consecutiveFailures = 0;
            }
            else if (modelUp || first)
            {
                consecutiveFailures++;
                var exhausted = consecutiveFailures > policy.Retry;
                var retrying = modelUp && !exhausted;
                expectedVerdict = exhausted ? HealthVerdict.Down : null;
                expectedDelay = retrying ? policy.DelayBeforeRetry : policy.DelayLoop;
                if (exhausted)
                {
                    modelUp = false;
                }
            }
            else
            {
                expectedVerdict = null;
                expectedDelay = policy.DelayLoop;
            }

            Assert.Equal(expectedVerdict, step.Verdict);
            Assert.Equal(modelUp, step.State.IsUp);
            Assert.Equal(now + expectedDelay, step.NextCheck);
            first = false;
            state = step.State;
            next = step.NextCheck;
        }
    }

    [Fact]
    public void Up_server_goes_down_on_the_failure_after_its_retries()
    {
        // keepalived.conf: delay_loop 6, retry 3, delay_before_retry 2.
        var policy = new RealServerCheckPolicy(TimeSpan.FromSeconds(6), 3, TimeSpan.FromSeconds(2));
        var state = RealServerHealth.Initial(policy).Apply(policy, true, Start).State;
        var now = Start + TimeSpan.FromSeconds(6);
        var nextChecks = new List<TimeSpan>();
        HealthVerdict? verdict = null;
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(verdict);
            var step = state.Apply(policy, false, now);
            (state, verdict) = (step.State, step.Verdict);
            nextChecks.Add(step.NextCheck - Start);
            now = step.NextCheck + TimeSpan.FromSeconds(1); // each check takes connect_timeout 1 s
        }

        Assert.Equal(HealthVerdict.Down, verdict);
        Assert.Equal([8, 11, 14, 21], nextChecks.Select(t => t.TotalSeconds));
        var up = state.Apply(policy, true, now);
        Assert.Equal(HealthVerdict.Up, up.Verdict);
        Assert.Equal(now + policy.DelayLoop, up.NextCheck);
    }

    [Fact]
    public void Alpha_server_starts_down_and_needs_one_success()
    {
        var policy = new RealServerCheckPolicy(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(1), alpha: true);
        var state = RealServerHealth.Initial(policy);
        Assert.False(state.IsUp);

        var failed = state.Apply(policy, false, Start);
        Assert.Null(failed.Verdict);
        Assert.Equal(Start + policy.DelayLoop, failed.NextCheck);

        var up = failed.State.Apply(policy, true, Start + TimeSpan.FromSeconds(1));
        Assert.Equal(HealthVerdict.Up, up.Verdict);
        Assert.True(up.State.IsUp);
    }

    [Fact]
    public void First_check_is_spread_over_the_warmup()
    {
        var policy = new RealServerCheckPolicy(TimeSpan.FromSeconds(10), 1, TimeSpan.FromSeconds(1), warmup: TimeSpan.FromSeconds(4));
        Assert.Equal(Start, RealServerHealth.FirstCheckAt(policy, Start, 0));
        Assert.Equal(Start + TimeSpan.FromSeconds(1), RealServerHealth.FirstCheckAt(policy, Start, 0.25));
        Assert.Equal(Start + TimeSpan.FromSeconds(4), RealServerHealth.FirstCheckAt(policy, Start, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RealServerHealth.FirstCheckAt(policy, Start, 1.5));
    }
}
