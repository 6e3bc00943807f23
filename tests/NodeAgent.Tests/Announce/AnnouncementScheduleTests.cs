using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Announce;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Announce;

public sealed class AnnouncementScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void KeepalivedDefaultSendsTwoBurstsFiveSecondsApartThenStops()
    {
        var schedule = AnnouncementSchedule.Begin(GratuitousArpSettings.Default, T0);
        Assert.True(schedule.IsDue(T0));

        schedule = schedule.Advance(T0);
        Assert.Equal(T0.AddSeconds(5), schedule.NextDue);
        Assert.False(schedule.IsDue(T0.AddSeconds(4.9)));

        schedule = schedule.Advance(T0.AddSeconds(5));
        Assert.Null(schedule.NextDue);
    }

    [Fact]
    public void RefreshRepeatsAfterTheSecondBurst()
    {
        var policy = new GratuitousArpSettings(5, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        var schedule = AnnouncementSchedule.Begin(policy, T0).Advance(T0).Advance(T0.AddSeconds(5));
        Assert.Equal(T0.AddSeconds(65), schedule.NextDue);
        schedule = schedule.Advance(T0.AddSeconds(65));
        Assert.Equal(T0.AddSeconds(125), schedule.NextDue);
    }

    [Fact]
    public void NoDelayAndNoRefreshMeansOneBurst()
    {
        var schedule = AnnouncementSchedule.Begin(new GratuitousArpSettings(1, TimeSpan.Zero, TimeSpan.Zero), T0).Advance(T0);
        Assert.Null(schedule.NextDue);
        Assert.False(AnnouncementSchedule.Idle(GratuitousArpSettings.Default).IsDue(T0));
    }

    [Fact]
    public void AContestedAnnouncementFollowsUpBeforeTheDelayedBurst()
    {
        var schedule = AnnouncementSchedule.Contest(GratuitousArpSettings.Default, T0);
        Assert.True(schedule.IsDue(T0));
        var at = T0;
        foreach (var wait in AnnouncementSchedule.ContestFollowUps)
        {
            schedule = schedule.Advance(at);
            at += wait;
            Assert.Equal(at, schedule.NextDue);
        }

        schedule = schedule.Advance(at);
        Assert.Equal(at.AddSeconds(5), schedule.NextDue);
        Assert.Null(schedule.Advance(at.AddSeconds(5)).NextDue);
        Assert.Null(AnnouncementSchedule.Contest(new GratuitousArpSettings(1, TimeSpan.Zero, TimeSpan.Zero), T0)
            .Advance(T0).Advance(T0.AddSeconds(1)).Advance(T0.AddSeconds(2)).NextDue);
    }
}
