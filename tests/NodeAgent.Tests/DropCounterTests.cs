using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests;

public sealed class DropCounterTests
{
    [Fact]
    public void LogsTheFirstDropThenAtMostOncePerSecondPerReason()
    {
        var t0 = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var counter = new DropCounter();

        Assert.True(counter.Count(VrrpDropReason.AuthMismatch, t0, out long total));
        Assert.Equal(1, total);
        Assert.False(counter.Count(VrrpDropReason.AuthMismatch, t0.AddMilliseconds(50), out total));
        Assert.Equal(2, total);
        Assert.True(counter.Count(VrrpDropReason.Checksum, t0.AddMilliseconds(60), out _));
        Assert.True(counter.Count(VrrpDropReason.AuthMismatch, t0.AddMilliseconds(1000), out total));
        Assert.Equal(3, total);
        Assert.Equal(3, counter.Total(VrrpDropReason.AuthMismatch));
        Assert.Equal(0, counter.Total(VrrpDropReason.Ttl));
    }
}
