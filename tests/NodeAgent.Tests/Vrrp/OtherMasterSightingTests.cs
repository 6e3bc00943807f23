using System.Net;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp;

public sealed class OtherMasterSightingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.3");

    [Fact]
    public void The_first_advert_is_logged_its_confirmation_reported_and_repeats_only_refresh_the_time_until_the_refresh_is_due()
    {
        var (first, report1) = OtherMasterSighting.Heard(null, A, T0);
        var (stray, report2) = OtherMasterSighting.Heard(first, A, T0.AddMilliseconds(50));
        var (confirmed, report3) = OtherMasterSighting.Heard(stray, A, T0 + OtherMasterSighting.Persistence);
        var (second, report4) = OtherMasterSighting.Heard(confirmed, A, T0.AddSeconds(1));
        var (third, report5) = OtherMasterSighting.Heard(second, A, T0 + OtherMasterSighting.Persistence + OtherMasterSighting.RefreshAfter);

        Assert.Equal((true, false, true, false, true), (report1, report2, report3, report4, report5));
        Assert.Equal((false, false, true), (first.IsConfirmed, stray.IsConfirmed, confirmed.IsConfirmed));
        Assert.Equal(T0.AddSeconds(1), second.LastHeard);
        Assert.Equal(T0 + OtherMasterSighting.Persistence, second.Reported);
        Assert.Equal(T0 + OtherMasterSighting.Persistence + OtherMasterSighting.RefreshAfter, third.Reported);
    }

    [Fact]
    public void A_different_master_is_reported_at_once_and_replaces_the_first()
    {
        var (first, _) = OtherMasterSighting.Heard(null, A, T0);
        var (other, report) = OtherMasterSighting.Heard(first, B, T0.AddMilliseconds(50));

        Assert.True(report);
        Assert.Equal(B, other.Source);
    }

    [Fact]
    public void A_sighting_ages_out_after_max_age_of_silence()
    {
        var (sighting, _) = OtherMasterSighting.Heard(null, A, T0);

        Assert.True(sighting.IsCurrent(T0 + OtherMasterSighting.MaxAge));
        Assert.False(sighting.IsCurrent(T0 + OtherMasterSighting.MaxAge + TimeSpan.FromMilliseconds(1)));
    }
}
