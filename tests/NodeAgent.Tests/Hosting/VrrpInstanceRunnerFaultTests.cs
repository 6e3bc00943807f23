using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>FAULT from the link and from weight-0 checks: two causes, and one recovering must not clear the other.</summary>
public sealed class VrrpInstanceRunnerFaultTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private readonly CapturedLog _log = new();
    private readonly FakeHost _host;

    public VrrpInstanceRunnerFaultTests() => _host = new FakeHost(_log);

    private VrrpInstanceRunner Runner(bool linkUp = true)
    {
        var settings = TestInstances.Settings("web", 51);
        var link = new NetworkLink(settings.InterfaceIndex, settings.InterfaceName, PhysicalAddress.None, linkUp);
        return new VrrpInstanceRunner(settings, link, _host.OpenTransport(settings), _host, _host, _log.Log);
    }

    [Fact]
    public void Started_on_a_down_link_it_is_in_fault_until_the_link_comes_up()
    {
        var runner = Runner(linkUp: false);
        runner.Start(T0);
        Assert.Equal((VrrpState.Fault, VrrpTransitionReason.StartupInterfaceDown), (runner.State, runner.Snapshot.Message));

        runner.ApplyLink(up: true, T0.AddSeconds(1));
        Assert.Equal((VrrpState.Backup, VrrpTransitionReason.InterfaceUp), (runner.State, runner.Snapshot.Message));
    }

    [Fact]
    public void Link_and_track_faults_overlap_and_the_instance_recovers_only_when_both_have()
    {
        var runner = Runner();
        runner.Start(T0);
        runner.Tick(T0.AddSeconds(1));
        Assert.Equal(VrrpState.Master, runner.State);

        runner.ApplyLink(up: false, T0.AddSeconds(2));
        Assert.Equal((VrrpState.Fault, VrrpTransitionReason.InterfaceDown), (runner.State, runner.Snapshot.Message));
        runner.ApplyTracking(100, fault: true, T0.AddSeconds(3));
        runner.ApplyLink(up: true, T0.AddSeconds(4));
        Assert.Equal(VrrpState.Fault, runner.State); // the check still fails

        runner.ApplyLink(up: false, T0.AddSeconds(5));
        runner.ApplyTracking(100, fault: false, T0.AddSeconds(6));
        Assert.Equal(VrrpState.Fault, runner.State); // the link is still down

        runner.ApplyLink(up: true, T0.AddSeconds(7));
        Assert.Equal((VrrpState.Backup, VrrpTransitionReason.InterfaceUp), (runner.State, runner.Snapshot.Message));
    }
}
