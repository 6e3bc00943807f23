using KeepOperator.NodeAgent.Tests.Health;
using KeepOperator.Operator.Kube;
using Xunit;

namespace KeepOperator.Operator.Tests.Kube;

public sealed class WorkQueueTests
{
    private static async Task<string> Next(WorkQueue<string> queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var (ok, key) = await queue.GetAsync(timeout.Token);
        Assert.True(ok);
        return key;
    }

    [Fact]
    public void Backoff_Doubles_From5ms_To1000s_PerKey_AndForgetResets()
    {
        var backoff = new ItemExponentialBackoff<string>();
        var delays = Enumerable.Range(0, 20).Select(_ => backoff.When("a")).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(5), delays[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(10), delays[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(5 * 1024), delays[10]);
        Assert.Equal(TimeSpan.FromSeconds(1000), delays[19]);
        Assert.Equal(TimeSpan.FromMilliseconds(5), backoff.When("b"));
        backoff.Forget("a");
        Assert.Equal(TimeSpan.FromMilliseconds(5), backoff.When("a"));
    }

    [Fact]
    public async Task DuplicateAdds_AreQueuedOnce()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System);
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await Next(queue));
        Assert.Equal("b", await Next(queue));
    }

    [Fact]
    public async Task KeyAddedWhileProcessing_ComesBackOnlyAfterDone()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System);
        queue.Add("a");
        var key = await Next(queue);
        queue.Add("a");
        Assert.Equal(0, queue.Count); // a second worker cannot get "a" while the first holds it
        queue.Done(key);
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await Next(queue));
    }

    [Fact]
    public async Task RateLimitedKey_ReturnsAfterItsBackoff_OnTheInjectedClock()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(clock);
        foreach (var expected in new[] { 5, 10, 20, 40 })
        {
            queue.AddRateLimited("a");
            clock.Advance(TimeSpan.FromMilliseconds(expected - 1));
            Assert.Equal(0, queue.Count);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.Count);
            queue.Done(await Next(queue));
        }

        Assert.Equal(4, queue.Failures("a"));
        queue.Forget("a");
        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task ShutDown_StopsHandingOutKeys()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System);
        queue.Add("a");
        queue.ShutDown();
        var (ok, _) = await queue.GetAsync(CancellationToken.None);
        Assert.False(ok);
    }
}
