using System.Diagnostics;
using KeepOperator.NodeAgent.Hosting;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>The agent loop's epoll wait without sockets (its eventfd alone); RawVrrpSocketTests adds real ones.</summary>
public sealed class LoopWaiterTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_wake_before_the_wait_ends_it_at_once_and_is_consumed()
    {
        using var waiter = new LoopWaiter();
        var ready = new List<int>();
        waiter.Wake();

        Assert.True(Timed(() => waiter.Wait(Long, ready)) < TimeSpan.FromSeconds(1));
        Assert.Empty(ready);
        Assert.True(Timed(() => waiter.Wait(TimeSpan.FromMilliseconds(100), ready)) >= TimeSpan.FromMilliseconds(99), "a consumed wake ended a second wait");
    }

    [Fact]
    public void A_poll_leaves_a_pending_wake_for_the_wait_that_follows()
    {
        // The loop polls after handling its events; an event posted just before that poll must still end the next wait.
        using var waiter = new LoopWaiter();
        var ready = new List<int>();
        waiter.Wake();

        waiter.Poll(ready);

        Assert.True(Timed(() => waiter.Wait(Long, ready)) < TimeSpan.FromSeconds(1), "the poll swallowed the wake");
    }

    private static TimeSpan Timed(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }
}
