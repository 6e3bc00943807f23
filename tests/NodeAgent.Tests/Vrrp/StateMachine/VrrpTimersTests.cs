using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp.StateMachine;

public class VrrpTimersTests
{
    [Theory]
    [InlineData(100, 1000, 609_375)]      // (256-100)*1s/256 = 0.609375 s
    [InlineData(254, 1000, 7_812.5)]      // 2/256 s
    [InlineData(1, 1000, 996_093.75)]     // 255/256 s
    [InlineData(100, 50, 30_468.75)]      // (256-100)*50ms/256
    [InlineData(255, 50, 195.3125)]       // owner
    public void V3SkewScalesWithMasterAdvertInterval(int priority, int intervalMs, double expectedMicroseconds)
    {
        TimeSpan skew = VrrpTimers.SkewTime(VrrpVersion.V3, (byte)priority, TimeSpan.FromMilliseconds(intervalMs));
        Assert.Equal(expectedMicroseconds, skew.Ticks / 10.0, tolerance: 0.1);
    }

    [Theory]
    [InlineData(100, 1)]
    [InlineData(100, 3)]
    [InlineData(200, 10)]
    public void V2SkewIsInSecondsAndIgnoresTheInterval(int priority, int intervalSeconds)
    {
        TimeSpan skew = VrrpTimers.SkewTime(VrrpVersion.V2, (byte)priority, TimeSpan.FromSeconds(intervalSeconds));
        Assert.Equal(TimeSpan.FromTicks((256 - priority) * TimeSpan.TicksPerSecond / 256), skew);
    }

    [Fact]
    public void MasterDownIntervalIsThreeIntervalsPlusSkew()
    {
        Assert.Equal(TimeSpan.FromSeconds(3) + TimeSpan.FromSeconds(156.0 / 256), VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(150) + TimeSpan.FromTicks(156 * TimeSpan.FromMilliseconds(50).Ticks / 256), VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, TimeSpan.FromMilliseconds(50)));

        // v2: Master_Adver_Interval is the configured interval; skew stays (256 - p)/256 s.
        Assert.Equal(TimeSpan.FromSeconds(9) + TimeSpan.FromSeconds(56.0 / 256), VrrpTimers.MasterDownInterval(VrrpVersion.V2, 200, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void HigherPriorityHasShorterMasterDownInterval()
    {
        foreach (VrrpVersion v in new[] { VrrpVersion.V2, VrrpVersion.V3 })
        {
            for (int p = 1; p < 255; p++)
            {
                Assert.True(
                    VrrpTimers.MasterDownInterval(v, (byte)(p + 1), TimeSpan.FromSeconds(1)) < VrrpTimers.MasterDownInterval(v, (byte)p, TimeSpan.FromSeconds(1)),
                    $"v{(int)v} p{p}");
            }
        }
    }

    [Fact]
    public void OnlyV3AdoptsTheAdvertisedInterval()
    {
        TimeSpan configured = TimeSpan.FromSeconds(1);
        Assert.Equal(TimeSpan.FromMilliseconds(200), VrrpTimers.AdoptMasterAdvertInterval(VrrpVersion.V3, configured, configured, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(configured, VrrpTimers.AdoptMasterAdvertInterval(VrrpVersion.V2, configured, configured, TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromMilliseconds(300), VrrpTimers.AdoptMasterAdvertInterval(VrrpVersion.V3, configured, TimeSpan.FromMilliseconds(300), TimeSpan.Zero));
    }

    [Fact]
    public void StateExposesTheRuleAtItsEffectivePriority()
    {
        VrrpInstanceState s = VrrpStateMachine.Create(VrrpTestKit.RouterConfig(priority: 100)) with { EffectivePriority = 50 };
        Assert.Equal(VrrpTimers.SkewTime(VrrpVersion.V3, 50, TimeSpan.FromSeconds(1)), s.SkewTime);
        Assert.Equal(VrrpTimers.MasterDownInterval(VrrpVersion.V3, 50, TimeSpan.FromSeconds(1)), s.MasterDownInterval);
    }
}
