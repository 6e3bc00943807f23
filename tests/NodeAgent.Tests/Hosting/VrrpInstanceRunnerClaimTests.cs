using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>A master answering another host's ARP claim to its VIP: at once, then in follow-up bursts, then as after a takeover.</summary>
public sealed class VrrpInstanceRunnerClaimTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private static readonly ArpSender TransientMaster = new(IPAddress.Parse("10.99.0.250"), PhysicalAddress.Parse("02-77-00-00-00-0D"));
    private readonly CapturedLog _log = new();
    private readonly FakeHost _host;

    public VrrpInstanceRunnerClaimTests() => _host = new FakeHost(_log);

    [Fact]
    public void A_claim_is_answered_at_once_and_again_after_the_claimant_had_time_to_yield()
    {
        var settings = TestInstances.Settings("web", 51);
        var link = new NetworkLink(settings.InterfaceIndex, settings.InterfaceName, PhysicalAddress.Parse("02-77-00-00-00-0B"), true);
        var runner = new VrrpInstanceRunner(settings, link, _host.OpenTransport(settings), _host, _host, _log.Log);
        runner.Start(T0);
        runner.Tick(T0.AddSeconds(1));
        Assert.Equal(VrrpState.Master, runner.State);
        var repeat = settings.GratuitousArp.Repeat;
        var claimed = T0.AddSeconds(20); // the takeover's two bursts are over
        runner.Tick(claimed);
        var before = _host.Announcements;

        runner.ApplyClaim(settings.InterfaceIndex, TransientMaster, claimed);
        Assert.Equal(before + repeat, _host.Announcements);

        // Each follow-up when due, and nothing in between: the claimant's late burst is answered whatever the order.
        var at = claimed;
        foreach (var wait in AnnouncementSchedule.ContestFollowUps)
        {
            Assert.True(runner.NextDeadline <= at + wait, $"the loop would sleep past the follow-up: {runner.NextDeadline}");
            runner.Tick(at + wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(before + repeat, _host.Announcements);
            at += wait;
            runner.Tick(at);
            before += repeat;
            Assert.Equal(before + repeat, _host.Announcements);
        }

        // Then garp_master_delay's second burst, and no more.
        runner.Tick(at + settings.GratuitousArp.Delay);
        Assert.Equal(before + (2 * repeat), _host.Announcements);
        runner.Tick(at + settings.GratuitousArp.Delay + TimeSpan.FromMinutes(1));
        Assert.Equal(before + (2 * repeat), _host.Announcements);
    }
}
