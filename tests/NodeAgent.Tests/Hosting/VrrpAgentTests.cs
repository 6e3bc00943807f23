using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Notify;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Hosting.TestInstances;
using static KeepOperator.NodeAgent.Tests.Metrics.Exposition;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>The real event loop and runners on real time (VRRPv3 at 10 ms), with sockets and addresses faked.</summary>
public sealed class VrrpAgentTests : IAsyncDisposable
{
    private readonly CapturedLog _log = new();
    private readonly FakeHost _host;
    private readonly AgentMetrics _metrics = new();
    private readonly VrrpAgent _agent;
    private readonly Task _loop;

    public VrrpAgentTests()
    {
        _host = new FakeHost(_log);
        _agent = new VrrpAgent(_host, TimeProvider.System, _log.Log, _metrics);
        _loop = _agent.RunAsync();
    }

    private async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; log:\n{_log}");
            await Task.Delay(10);
        }
    }

    private bool IsMaster(string name) => _agent.Snapshots.TryGetValue(name, out var s) && s.State == VrrpState.Master;

    private int Transitions(string name) => _log.Lines.Count(l => l.Contains("event=transition", StringComparison.Ordinal) && l.Contains($"instance={name} ", StringComparison.Ordinal));

    private FakeTransport Transport(string interfaceName) => _host.Opened.Last(t => t.InterfaceName == interfaceName);

    [Fact]
    public async Task AddAndRemove_OneSocketPerInterface_OthersUntouched()
    {
        _agent.AddInstance(Settings("a", 1, vip: "10.99.0.201"));
        _agent.AddInstance(Settings("b", 2, vip: "10.99.0.202"));
        _agent.AddInstance(Settings("c", 3, vip: "10.99.0.203", change: s => s.Interface = "eth1"));
        await Until(() => IsMaster("a") && IsMaster("b") && IsMaster("c"), "three masters");
        Assert.Equal(["eth0", "eth1"], _host.Opened.Select(t => t.InterfaceName));
        var bTransitions = Transitions("b");

        _agent.RemoveInstance("a");
        await Until(() => !_host.Holds("10.99.0.201"), "a's VIP released");
        var eth0 = Transport("eth0");
        Assert.Contains(((byte)1, (byte)0), eth0.Sent); // a master steps down with priority 0
        Assert.False(eth0.Disposed, "b still uses eth0's socket");
        Assert.False(_agent.Snapshots.ContainsKey("a"));
        await Task.Delay(100);
        Assert.True(IsMaster("b") && _host.Holds("10.99.0.202"));
        Assert.Equal(bTransitions, Transitions("b"));

        _agent.RemoveInstance("b");
        await Until(() => eth0.Disposed, "eth0's socket closed with its last instance");
        Assert.False(Transport("eth1").Disposed);
        Assert.True(IsMaster("c"));

        _agent.AddInstance(Settings("d", 4, vip: "10.99.0.204"));
        await Until(() => IsMaster("d"), "d master on a reopened eth0 socket");
        Assert.Equal(3, _host.Opened.Count);
    }

    [Fact]
    public async Task An_instance_the_host_refuses_fails_alone_and_the_agent_carries_on()
    {
        _host.Refused["vmac"] = true;
        _agent.AddInstance(Settings("vmac", 1, vip: "10.99.0.201", change: s => s.Interface = "eth1"));
        _agent.AddInstance(Settings("b", 2, vip: "10.99.0.202"));
        await Until(() => IsMaster("b"), "b master beside the refused instance");
        Assert.Contains(_log.Lines, l => l.Contains("event=instance-failed instance=vmac", StringComparison.Ordinal) && l.Contains("Read-only file system", StringComparison.Ordinal));
        Assert.False(_agent.Snapshots.ContainsKey("vmac"));
        Assert.False(_host.Holds("10.99.0.201"));
        Assert.False(_loop.IsCompleted, "the event loop ended");
        await Until(() => Transport("eth1").Disposed, "the refused instance's socket closed");
    }

    [Fact]
    public async Task LinkDown_FaultsOnlyThatInterfacesInstances_ReleasesTheirVips_LinkUpBringsThemBack()
    {
        var a = Settings("a", 1, vip: "10.99.0.201");
        _agent.AddInstance(a);
        _agent.AddInstance(Settings("c", 3, vip: "10.99.0.203", change: s => s.Interface = "eth1"));
        await Until(() => IsMaster("a") && IsMaster("c"), "two masters");

        _agent.LinkChanged(new NetworkLink(a.InterfaceIndex, a.InterfaceName, PhysicalAddress.None, IsUp: false));
        await Until(() => _agent.Snapshots["a"].State == VrrpState.Fault, "a in fault");
        Assert.Equal(VrrpTransitionReason.InterfaceDown, _agent.Snapshots["a"].Message);
        await Until(() => !_host.Holds("10.99.0.201"), "a's VIP released");
        Assert.True(IsMaster("c") && _host.Holds("10.99.0.203"));

        // The kernel repeats a link's state on unrelated changes: no second transition.
        var transitions = Transitions("a");
        _agent.LinkChanged(new NetworkLink(a.InterfaceIndex, a.InterfaceName, PhysicalAddress.None, IsUp: false));
        await Task.Delay(50);
        Assert.Equal(transitions, Transitions("a"));

        _agent.LinkChanged(new NetworkLink(a.InterfaceIndex, a.InterfaceName, PhysicalAddress.None, IsUp: true));
        await Until(() => IsMaster("a") && _host.Holds("10.99.0.201"), "a master again (no peer heard)");
    }

    [Fact]
    public async Task A_sync_group_member_faulted_by_its_tracked_interface_holds_the_group_in_fault_until_it_is_back()
    {
        _agent.AddInstance(Settings("outside", 1, vip: "10.99.0.201", change: s =>
        {
            s.SyncGroup = "router";
            s.TrackInterfaces = [new TrackInterface { Name = "uplink" }];
        }));
        _agent.AddInstance(Settings("inside", 2, vip: "10.98.0.202", change: s => (s.SyncGroup, s.Interface) = ("router", "eth1")));
        _agent.AddInstance(Settings("alone", 3, vip: "10.99.0.203"));
        await Until(() => IsMaster("outside") && IsMaster("inside") && IsMaster("alone"), "three masters");

        _agent.LinkChanged(new NetworkLink(9, "uplink", PhysicalAddress.None, IsUp: false));
        await Until(() => _agent.Snapshots["outside"].State == VrrpState.Fault && _agent.Snapshots["inside"].State == VrrpState.Fault, "the group in FAULT");
        Assert.Equal(VrrpTransitionReason.SyncGroupFault, _agent.Snapshots["inside"].Message);
        Assert.False(_host.Holds("10.99.0.201") || _host.Holds("10.98.0.202"));
        Assert.True(IsMaster("alone"));

        _agent.LinkChanged(new NetworkLink(9, "uplink", PhysicalAddress.None, IsUp: true));
        await Until(() => IsMaster("outside") && IsMaster("inside"), "the group master again");
    }

    [Fact]
    public async Task PacketsNoInstanceClaims_AreCountedPerInterface_AndClaimedOnesReachTheirInstance()
    {
        _agent.AddInstance(Settings("web", 51, priority: 100));
        await Until(() => IsMaster("web"), "master");
        var eth0 = Transport("eth0");
        var peer = IPAddress.Parse("10.99.0.9");
        eth0.Deliver([0x31, 77, 100, 1, 0, 100, 0, 0, 10, 99, 0, 200], peer); // another cluster's VRID 77
        eth0.Deliver([0x31], peer);                                            // too short to name a VRID
        eth0.Deliver([0x31, 51, 100, 1, 0, 100, 0, 0, 10, 99, 0, 200], peer); // VRID 51 with a bad checksum: the instance's drop
        await Until(() => Value(_metrics.Render(), "keepoperator_vrrp_packets_unmatched_total", ("interface", "eth0")) == 2, "two unmatched packets");
        await Until(() => _log.Lines.Any(l => l.Contains("event=drop", StringComparison.Ordinal) && l.Contains("instance=web", StringComparison.Ordinal)), "web's own drop logged");
    }

    [Fact]
    public async Task A_peers_advert_on_the_socket_before_the_instance_has_its_runner_is_not_a_foreign_routers()
    {
        _host.Creating = PeerAdvertArrives;
        _agent.AddInstance(Settings("web", 51, priority: 90));
        await Until(() => _agent.Snapshots.ContainsKey("web") && Transport("eth0").Drained, "the instance running and the advert handled");

        AssertNoForeignRouter();
    }

    [Fact]
    public async Task A_peers_advert_heard_while_the_instance_restarts_is_not_a_foreign_routers()
    {
        _agent.AddInstance(Settings("web", 51, priority: 90));
        await Until(() => IsMaster("web"), "master");

        _host.Creating = PeerAdvertArrives;
        _agent.UpdateInstance(Settings("web", 51, priority: 90, vip: "10.99.0.251"));
        await Until(() => _host.Holds("10.99.0.251") && Transport("eth0").Drained, "restarted with the new VIP and the advert handled");

        AssertNoForeignRouter();
    }

    [Fact]
    public async Task Adverts_queued_while_the_loop_was_busy_are_read_before_its_timers_fire()
    {
        var peer = IPAddress.Parse("10.99.0.9");
        var advert = new byte[64];
        int length = VrrpPacketCodec.Encode(VrrpVersion.V3, 51, 100, TimeSpan.FromMilliseconds(10), [IPAddress.Parse("10.99.0.250")], null, peer, VrrpProtocol.MulticastGroupV4, advert);
        using var stop = new CancellationTokenSource();
        _agent.AddInstance(Settings("web", 51, priority: 90));
        await Until(() => _host.Opened.Count > 0, "web's socket");
        var eth0 = Transport("eth0");
        // A thread of its own: the master must not stall with the test's thread pool.
        var master = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                eth0.Deliver(advert[..length], peer);
                Thread.Sleep(5);
            }
        }, TaskCreationOptions.LongRunning);
        await Until(() => _agent.Snapshots.TryGetValue("web", out var s) && s.State == VrrpState.Backup, "web backup to the 10 ms master");
        var before = Transitions("web");

        // Making the next instance holds the loop for 150 ms, four Master_Down_Intervals (36 ms) of web's: the master's
        // adverts queue meanwhile, and must restart web's timer before the loop's next pass fires it.
        _host.Creating = _ => Thread.Sleep(150);
        _agent.AddInstance(Settings("other", 52, vip: "10.99.0.252", change: s => s.Interface = "eth1"));
        await Until(() => _agent.Snapshots.ContainsKey("other"), "the slow instance made");
        await Task.Delay(100);
        await stop.CancelAsync();
        await master;

        Assert.True(before == Transitions("web") && !IsMaster("web"), _log.ToString());
    }

    /// <summary>
    /// The master of the instance's VRID is heard while the instance's runner is being made; a reader already on the
    /// socket would get to the advert before the runner exists (the loop watches the socket only from then on).
    /// </summary>
    private static void PeerAdvertArrives(FakeTransport transport)
    {
        var peer = IPAddress.Parse("10.99.0.9");
        var buffer = new byte[64];
        int length = VrrpPacketCodec.Encode(VrrpVersion.V3, 51, 100, TimeSpan.FromMilliseconds(10), [IPAddress.Parse("10.99.0.250")], null, peer, VrrpProtocol.MulticastGroupV4, buffer);
        transport.Deliver(buffer[..length], peer);
        SpinWait.SpinUntil(() => transport.Drained, TimeSpan.FromMilliseconds(500));
    }

    private void AssertNoForeignRouter()
    {
        Assert.Empty(_agent.ForeignRouters());
        Assert.False(_log.Has("foreign-router"), _log.ToString());
        Assert.Null(Value(_metrics.Render(), "keepoperator_vrrp_packets_unmatched_total", ("interface", "eth0")));
    }

    [Fact]
    public async Task PriorityOnlyUpdate_NoRestart_AdvertsCarryTheNewPriority()
    {
        _agent.AddInstance(Settings("web", 51, priority: 100));
        await Until(() => IsMaster("web"), "master");
        var transitions = Transitions("web");

        _agent.UpdateInstance(Settings("web", 51, priority: 90));
        await Until(() => _agent.Snapshots["web"] is { Priority: 90, EffectivePriority: 90 }, "priority 90");
        var eth0 = Transport("eth0");
        eth0.Sent.Clear();
        await Until(() => eth0.Sent.Count >= 3, "adverts");

        Assert.All(eth0.Sent, s => Assert.Equal(((byte)51, (byte)90), s));
        Assert.Equal(transitions, Transitions("web"));
        Assert.True(_host.Holds("10.99.0.250"));
        Assert.False(_log.Has("instance-restart"));
        Assert.Single(_host.Opened);
    }

    [Fact]
    public async Task Unicast_AdvertsGoToEachPeer_PeerChangeInPlace_StrangersDropped()
    {
        static void Peers(VirtualIpSpec s, params string[] peers) => s.Unicast = new VrrpUnicast { Peers = [.. peers] };
        _agent.AddInstance(Settings("web", 51, change: s => Peers(s, "10.99.0.2", "10.99.0.3")));
        await Until(() => IsMaster("web"), "master");
        var eth0 = Transport("eth0");
        await Until(() => eth0.SentUnicast.Count >= 4, "unicast adverts");
        Assert.Empty(eth0.Sent); // nothing multicast
        Assert.Equal(["10.99.0.2", "10.99.0.3"], eth0.SentUnicast.Select(s => s.Peer.ToString()).Distinct().Order());
        Assert.All(eth0.SentUnicast, s => Assert.Equal(((byte)51, (byte)100, IPAddress.Parse("10.99.0.1")), (s.Vrid, s.Priority, s.Source)));
        var transitions = Transitions("web");

        _agent.UpdateInstance(Settings("web", 51, change: s => Peers(s, "10.99.0.4")));
        await Until(() => _log.Has("instance-adjusted"), "peers adjusted");
        eth0.SentUnicast.Clear();
        await Until(() => eth0.SentUnicast.Count >= 3, "adverts to the new peer");
        Assert.All(eth0.SentUnicast, s => Assert.Equal(IPAddress.Parse("10.99.0.4"), s.Peer));
        Assert.Equal(transitions, Transitions("web"));
        Assert.False(_log.Has("instance-restart"));

        // A higher priority from a stranger would take over; dropped, it is only counted.
        var buffer = new byte[64];
        var stranger = IPAddress.Parse("10.99.0.9");
        int length = VrrpPacketCodec.Encode(VrrpVersion.V3, 51, 200, TimeSpan.FromMilliseconds(10), [IPAddress.Parse("10.99.0.250")], null, stranger, VrrpProtocol.MulticastGroupV4, buffer);
        eth0.Deliver(buffer[..length], stranger);
        await Until(() => _log.Lines.Any(l => l.Contains("event=drop", StringComparison.Ordinal) && l.Contains("reason=UnknownUnicastPeer", StringComparison.Ordinal)), "stranger dropped");
        Assert.True(IsMaster("web"));
    }

    [Fact]
    public async Task A_master_hearing_another_master_logs_it_once_and_reports_it_in_its_snapshot()
    {
        _agent.AddInstance(Settings("web", 51, priority: 100));
        await Until(() => IsMaster("web"), "master");
        var other = IPAddress.Parse("10.99.0.9");
        var buffer = new byte[64];
        int length = VrrpPacketCodec.Encode(VrrpVersion.V3, 51, 90, TimeSpan.FromMilliseconds(10), [IPAddress.Parse("10.99.0.250")], null, other, VrrpProtocol.MulticastGroupV4, buffer);

        Transport("eth0").Deliver(buffer[..length], other);
        Transport("eth0").Deliver(buffer[..length], other);

        // The fake host gives runners no instance metrics: the counter is checked in the lab (PartitionTests).
        await Until(() => _agent.Snapshots["web"].OtherMaster?.Source.Equals(other) == true, "the other master in the snapshot");
        await Task.Delay(50);
        Assert.True(IsMaster("web")); // a lower priority: this one stays master
        Assert.Single(_log.Lines, l => l.Contains("event=other-master", StringComparison.Ordinal) && l.Contains("source=10.99.0.9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_master_that_steps_down_for_the_other_master_logs_it_and_forgets_it()
    {
        _agent.AddInstance(Settings("web", 51, priority: 90));
        await Until(() => IsMaster("web"), "master");
        var other = IPAddress.Parse("10.99.0.9");
        var buffer = new byte[64];
        int length = VrrpPacketCodec.Encode(VrrpVersion.V3, 51, 100, TimeSpan.FromMilliseconds(10), [IPAddress.Parse("10.99.0.250")], null, other, VrrpProtocol.MulticastGroupV4, buffer);

        Transport("eth0").Deliver(buffer[..length], other);

        // A preemption: two masters for an instant, over once this one steps down; a later one must start afresh.
        await Until(() => !IsMaster("web"), "stepped down");
        Assert.Single(_log.Lines, l => l.Contains("event=other-master", StringComparison.Ordinal) && l.Contains("source=10.99.0.9", StringComparison.Ordinal));
        Assert.Null(_agent.Snapshots["web"].OtherMaster);
    }

    [Fact]
    public async Task SameSettingsAgain_IsNoOp_OtherChange_RestartsGracefully()
    {
        _agent.AddInstance(Settings("web", 51));
        await Until(() => IsMaster("web"), "master");
        var transitions = Transitions("web");

        _agent.UpdateInstance(Settings("web", 51));
        await Task.Delay(100);
        Assert.Equal(transitions, Transitions("web"));
        Assert.DoesNotContain(((byte)51, (byte)0), Transport("eth0").Sent);

        _agent.UpdateInstance(Settings("web", 51, vip: "10.99.0.251"));
        await Until(() => _host.Holds("10.99.0.251") && IsMaster("web"), "master with the new VIP");
        Assert.False(_host.Holds("10.99.0.250"));
        Assert.Contains(((byte)51, (byte)0), Transport("eth0").Sent);
        Assert.True(_log.Has("instance-restart"));
    }

    [Fact]
    public async Task Shutdown_ReleasesEveryVip_ClosesEverySocket()
    {
        _agent.AddInstance(Settings("a", 1, vip: "10.99.0.201"));
        _agent.AddInstance(Settings("b", 2, vip: "10.99.0.202", change: s => s.Interface = "eth1"));
        await Until(() => IsMaster("a") && IsMaster("b"), "masters");

        await StopAsync();

        Assert.False(_host.Holds("10.99.0.201") || _host.Holds("10.99.0.202"));
        Assert.All(_host.Opened, t => Assert.True(t.Disposed));
        Assert.Empty(_agent.Snapshots);
    }

    [Fact]
    public async Task A_master_transition_runs_the_notify_scripts_off_the_loop()
    {
        var directory = Directory.CreateTempSubdirectory("keepoperator-notify-").FullName;
        var (script, output) = Notify.NotifyScriptRunnerTests.RecordingScript(directory);
        var notify = new NotifyScriptRunner(_log.Log);
        await using var agent = new VrrpAgent(_host, TimeProvider.System, _log.Log, notify: notify);
        var loop = agent.RunAsync();
        agent.AddInstance(Settings("web", 9, vip: "10.99.0.209") with { Notify = new NotifySettings { Any = [script], Timeout = TimeSpan.FromSeconds(5) } });
        await Until(() => File.Exists(output) && File.ReadAllLines(output).Contains("INSTANCE web MASTER 100"), "the master notify");

        agent.RequestShutdown();
        await loop;
        await notify.DrainAsync();
        Assert.Contains(File.ReadAllLines(output), l => l.StartsWith("INSTANCE web STOP ", StringComparison.Ordinal));
        Directory.Delete(directory, recursive: true);
    }

    private async Task StopAsync()
    {
        if (_loop.IsCompleted)
        {
            return;
        }
        _agent.RequestShutdown();
        await _loop;
        await _agent.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _log.Dispose();
    }
}
