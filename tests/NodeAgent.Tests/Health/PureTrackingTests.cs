using KeepOperator.NodeAgent.Health;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health;

public class RiseFallCounterTests
{
    private static string Run(RiseFallCounter counter, string results) =>
        string.Concat(results.Select(r =>
        {
            counter.Record(r == '+');
            return counter.State switch { TrackState.Ok => 'O', TrackState.Failed => 'F', _ => 'I' };
        }));

    [Fact]
    public void Starts_in_init()
    {
        Assert.Equal(TrackState.Init, new RiseFallCounter(3, 3).State);
    }

    [Theory]
    [InlineData(3, 2, "+", "O")]
    [InlineData(3, 2, "-", "F")]
    [InlineData(1, 1, "+-+-", "OFOF")]
    [InlineData(3, 2, "+-+--", "OOOOF")] // OK needs 2 consecutive failures; a success resets
    [InlineData(3, 2, "-++-+++", "FFFFFFO")] // failed needs 3 consecutive successes; a failure resets
    [InlineData(2, 3, "---++---", "FFFFOOOF")]
    public void Follows_keepalived_rise_and_fall(int rise, int fall, string results, string states)
    {
        Assert.Equal(states, Run(new RiseFallCounter(rise, fall), results));
    }

    [Fact]
    public void Record_reports_state_changes_only()
    {
        var counter = new RiseFallCounter(2, 2);
        Assert.True(counter.Record(true)); // Init -> Ok
        Assert.False(counter.Record(true));
        Assert.False(counter.Record(false));
        Assert.True(counter.Record(false)); // -> Failed
        Assert.False(counter.Record(false));
        Assert.False(counter.Record(true));
        Assert.True(counter.Record(true)); // -> Ok
    }

    [Fact]
    public void Rise_and_fall_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RiseFallCounter(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RiseFallCounter(1, 0));
    }
}

public class TrackedPriorityTests
{
    [Fact]
    public void Negative_weights_apply_while_failing_positive_while_ok()
    {
        Assert.Equal(80, TrackedPriority.Compute(100, [(-20, false), (-5, true), (10, false)]));
        Assert.Equal(110, TrackedPriority.Compute(100, [(-20, true), (10, true)]));
        Assert.Equal(90, TrackedPriority.Compute(100, [(-20, false), (10, true)]));
        Assert.Equal(100, TrackedPriority.Compute(100, []));
    }

    [Fact]
    public void Result_is_clamped_to_1_254()
    {
        Assert.Equal(1, TrackedPriority.Compute(100, [(-254, false)]));
        Assert.Equal(254, TrackedPriority.Compute(200, [(100, true)]));
        Assert.Equal(1, TrackedPriority.Compute(1, [(-1, false)]));
    }

    [Fact]
    public void Address_owner_255_is_never_changed()
    {
        Assert.Equal(255, TrackedPriority.Compute(255, [(-100, false)]));
        Assert.Equal(255, TrackedPriority.Compute(255, [(10, true)]));
    }

    [Fact]
    public void Weight_zero_does_not_change_priority_but_means_fault_while_failing()
    {
        Assert.Equal(100, TrackedPriority.Compute(100, [(0, false)]));
        Assert.True(TrackedPriority.IsFault([(0, false)]));
        Assert.False(TrackedPriority.IsFault([(0, true), (-10, false)]));
    }
}
