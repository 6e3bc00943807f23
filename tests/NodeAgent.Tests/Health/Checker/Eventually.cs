using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>Polls a condition that the scheduler's loop makes true on its own thread.</summary>
internal static class Eventually
{
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
