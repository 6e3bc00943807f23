using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Vocabulary;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Hosting;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Metrics.Exposition;

namespace KeepOperator.NodeAgent.Tests.Metrics;

/// <summary>The agent's exposition, driven through a real runner (fake socket and addresses, time passed by hand).</summary>
public sealed class AgentMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    internal static readonly IPAddress Peer = IPAddress.Parse("10.99.0.9");
    private readonly AgentMetrics _metrics = new();
    private readonly CapturedLog _log = new();
    private readonly FakeHost _host;

    public AgentMetricsTests() => _host = new FakeHost(_log);

    private VrrpInstanceRunner Runner(string name = "web", int vrid = 51, int priority = 100)
    {
        var settings = TestInstances.Settings(name, vrid, priority);
        var link = new NetworkLink(settings.InterfaceIndex, settings.InterfaceName, PhysicalAddress.None, true);
        return new VrrpInstanceRunner(settings, link, _host.OpenTransport(settings), _host, _host, _log.Log, _metrics.ForInstance(settings));
    }

    private string Scrape() => _metrics.Render();

    [Theory]
    [InlineData("keepoperator_vrrp_state", "gauge")]
    [InlineData("keepoperator_vrrp_transitions_total", "counter")]
    [InlineData("keepoperator_vrrp_adverts_sent_total", "counter")]
    [InlineData("keepoperator_vrrp_adverts_received_total", "counter")]
    [InlineData("keepoperator_vrrp_packets_dropped_total", "counter")]
    [InlineData("keepoperator_vrrp_effective_priority", "gauge")]
    [InlineData("keepoperator_vrrp_takeover_seconds", "histogram")]
    [InlineData("keepoperator_real_server_up", "gauge")]
    [InlineData("keepoperator_health_check_duration_seconds", "histogram")]
    [InlineData("process_cpu_seconds_total", "counter")]
    [InlineData("process_resident_memory_bytes", "gauge")]
    [InlineData("process_start_time_seconds", "gauge")]
    public void EveryMetricHasHelpAndType(string name, string type)
    {
        var runner = Runner();
        runner.Start(T0);
        runner.Tick(T0 + TimeSpan.FromSeconds(1));
        _metrics.RealServerHealth("web-80", "10.99.0.21", 80, up: true);
        _metrics.ObserveCheck("web-80", TimeSpan.FromMilliseconds(3));

        AssertHelpAndType(Scrape(), name, type);
    }

    [Fact]
    public void Exports_exactly_the_vocabularys_agent_metrics()
    {
        Runner().Start(T0);

        Assert.Equal(MetricNames.Agent.Order(StringComparer.Ordinal), Families(Scrape(), "keepoperator_"));
    }

    [Fact]
    public void A_new_instance_is_initializing_with_its_base_priority_and_every_counter_at_zero()
    {
        Runner(priority: 90);

        var text = Scrape();

        Assert.Equal(1, Value(text, "keepoperator_vrrp_state", ("vip", "web"), ("interface", "eth0"), ("vrid", "51"), ("state", "initialize")));
        foreach (var other in new[] { "backup", "master", "fault" })
        {
            Assert.Equal(0, Value(text, "keepoperator_vrrp_state", ("vip", "web"), ("interface", "eth0"), ("vrid", "51"), ("state", other)));
        }
        Assert.Equal(90, Value(text, "keepoperator_vrrp_effective_priority", ("vip", "web")));
        Assert.Equal(0, Value(text, "keepoperator_vrrp_adverts_sent_total", ("vip", "web")));
        Assert.Equal(0, Value(text, "keepoperator_vrrp_adverts_received_total", ("vip", "web")));
        Assert.Equal(
            ["address_family", "auth_mismatch", "auth_type", "checksum", "interval_mismatch", "length", "too_short", "ttl", "type", "unknown_unicast_peer", "unknown_virtual_router", "version"],
            All(text, "keepoperator_vrrp_packets_dropped_total").Select(s => s.Labels["reason"]).Order());
        Assert.All(All(text, "keepoperator_vrrp_packets_dropped_total"), s => Assert.Equal(0, s.Value));
        Assert.Empty(All(text, "keepoperator_vrrp_transitions_total"));
    }

    [Fact]
    public void Becoming_master_moves_the_state_gauge_and_counts_transitions_and_adverts()
    {
        var runner = Runner();
        runner.Start(T0);
        runner.Tick(T0 + TimeSpan.FromSeconds(1)); // master down interval at 10 ms adverts: long past

        var text = Scrape();

        Assert.Equal(VrrpState.Master, runner.State);
        Assert.Equal(1, Value(text, "keepoperator_vrrp_state", ("vip", "web"), ("interface", "eth0"), ("vrid", "51"), ("state", "master")));
        Assert.Equal(0, Value(text, "keepoperator_vrrp_state", ("vip", "web"), ("interface", "eth0"), ("vrid", "51"), ("state", "backup")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_transitions_total", ("vip", "web"), ("from", "initialize"), ("to", "backup"), ("reason", "startup")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_transitions_total", ("vip", "web"), ("from", "backup"), ("to", "master"), ("reason", "master_down")));
        Assert.Equal(_host.Opened.Single().Sent.Count, Value(text, "keepoperator_vrrp_adverts_sent_total", ("vip", "web")));
        Assert.True(_host.Opened.Single().Sent.Count >= 1);
    }

    [Fact]
    public void Received_adverts_drops_and_priority_changes_are_counted()
    {
        var runner = Runner();
        runner.Start(T0);
        runner.Tick(T0 + TimeSpan.FromSeconds(1));
        runner.CountDrop(VrrpDropReason.Ttl, Peer, T0 + TimeSpan.FromSeconds(1));
        runner.CountDrop(VrrpDropReason.Ttl, Peer, T0 + TimeSpan.FromSeconds(1));
        runner.CountDrop(VrrpDropReason.Checksum, Peer, T0 + TimeSpan.FromSeconds(1));

        runner.Receive(Advert(priority: 200), Peer, T0 + TimeSpan.FromSeconds(1.001)); // a better master: step down
        runner.ApplyTracking(effectivePriority: 70, fault: false, T0 + TimeSpan.FromSeconds(1.002));
        var text = Scrape();

        Assert.Equal(2, Value(text, "keepoperator_vrrp_packets_dropped_total", ("vip", "web"), ("reason", "ttl")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_packets_dropped_total", ("vip", "web"), ("reason", "checksum")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_adverts_received_total", ("vip", "web")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_transitions_total", ("vip", "web"), ("from", "master"), ("to", "backup"), ("reason", "higher_priority_master")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_state", ("vip", "web"), ("interface", "eth0"), ("vrid", "51"), ("state", "backup")));
        Assert.Equal(70, Value(text, "keepoperator_vrrp_effective_priority", ("vip", "web")));
    }

    [Fact]
    public void A_takeover_observes_how_long_the_master_had_been_silent()
    {
        var runner = Runner();
        runner.Start(T0);
        var heard = T0 + TimeSpan.FromMilliseconds(5);
        runner.Receive(Advert(priority: 200), Peer, heard);
        var masterDown = runner.NextDeadline!.Value;

        runner.Tick(masterDown);
        var text = Scrape();

        // VRRPv3 at 10 ms, priority 100: Master_Down_Interval = 3 x 10 ms + (256 - 100) x 10 ms / 256.
        Assert.Equal(VrrpState.Master, runner.State);
        Assert.Equal(0.030 + 156 * 0.010 / 256, (masterDown - heard).TotalSeconds, precision: 6);
        Assert.Equal(1, Value(text, "keepoperator_vrrp_takeover_seconds_count", ("vip", "web")));
        Assert.Equal((masterDown - heard).TotalSeconds, Value(text, "keepoperator_vrrp_takeover_seconds_sum", ("vip", "web"))!.Value, precision: 6);
        Assert.Equal(0, Value(text, "keepoperator_vrrp_takeover_seconds_bucket", ("vip", "web"), ("le", "0.02")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_takeover_seconds_bucket", ("vip", "web"), ("le", "0.04")));
    }

    [Fact]
    public void Becoming_master_without_ever_hearing_one_observes_no_takeover()
    {
        var runner = Runner();
        runner.Start(T0);
        runner.Tick(T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(VrrpState.Master, runner.State);
        Assert.Equal(0, Value(Scrape(), "keepoperator_vrrp_takeover_seconds_count", ("vip", "web")));
    }

    [Fact]
    public void A_stopped_instance_leaves_the_scrape_and_a_restarted_one_starts_from_zero()
    {
        var web = Runner();
        var other = Runner("other", 52);
        web.Start(T0);
        other.Start(T0);
        web.Tick(T0 + TimeSpan.FromSeconds(1));

        web.Shutdown(T0 + TimeSpan.FromSeconds(2));
        var afterStop = Scrape();
        Runner();
        var afterRestart = Scrape();

        Assert.DoesNotContain("vip=\"web\"", afterStop, StringComparison.Ordinal);
        Assert.Equal(1, Value(afterStop, "keepoperator_vrrp_state", ("vip", "other"), ("interface", "eth0"), ("vrid", "52"), ("state", "backup")));
        Assert.Equal(0, Value(afterRestart, "keepoperator_vrrp_adverts_sent_total", ("vip", "web")));
        Assert.Equal(1, Value(afterRestart, "keepoperator_vrrp_state", ("vip", "web"), ("interface", "eth0"), ("vrid", "51"), ("state", "initialize")));
    }

    [Fact]
    public void Real_servers_report_up_down_and_go_away_with_their_configuration()
    {
        _metrics.RealServerHealth("web-80", "10.99.0.21", 80, up: true);
        _metrics.RealServerHealth("web-80", "10.99.0.22", 80, up: true);
        _metrics.RealServerHealth("web-80", "10.99.0.22", 80, up: false);
        var both = Scrape();
        _metrics.RealServerRemoved("web-80", "10.99.0.21", 80);
        var one = Scrape();

        Assert.Equal(1, Value(both, "keepoperator_real_server_up", ("virtual_server", "web-80"), ("address", "10.99.0.21"), ("port", "80")));
        Assert.Equal(0, Value(both, "keepoperator_real_server_up", ("virtual_server", "web-80"), ("address", "10.99.0.22"), ("port", "80")));
        Assert.Null(Value(one, "keepoperator_real_server_up", ("virtual_server", "web-80"), ("address", "10.99.0.21"), ("port", "80")));
        Assert.Equal(0, Value(one, "keepoperator_real_server_up", ("virtual_server", "web-80"), ("address", "10.99.0.22"), ("port", "80")));
    }

    [Fact]
    public void Check_latencies_fill_the_histogram_of_their_virtual_server()
    {
        _metrics.ObserveCheck("web-80", TimeSpan.FromMilliseconds(0.3));
        _metrics.ObserveCheck("web-80", TimeSpan.FromMilliseconds(3));
        _metrics.ObserveCheck("web-80", TimeSpan.FromSeconds(20));
        _metrics.ObserveCheck("dns-53", TimeSpan.FromMilliseconds(1));
        var text = Scrape();
        _metrics.VirtualServerRemoved("dns-53");
        var afterRemoval = Scrape();

        Assert.Equal(3, Value(text, "keepoperator_health_check_duration_seconds_count", ("virtual_server", "web-80")));
        Assert.Equal(20.0033, Value(text, "keepoperator_health_check_duration_seconds_sum", ("virtual_server", "web-80"))!.Value, precision: 6);
        Assert.Equal(1, Value(text, "keepoperator_health_check_duration_seconds_bucket", ("virtual_server", "web-80"), ("le", "0.0005")));
        Assert.Equal(2, Value(text, "keepoperator_health_check_duration_seconds_bucket", ("virtual_server", "web-80"), ("le", "0.004")));
        Assert.Equal(2, Value(text, "keepoperator_health_check_duration_seconds_bucket", ("virtual_server", "web-80"), ("le", "8.192")));
        Assert.Equal(3, Value(text, "keepoperator_health_check_duration_seconds_bucket", ("virtual_server", "web-80"), ("le", "+Inf")));
        Assert.Equal(1, Value(text, "keepoperator_health_check_duration_seconds_count", ("virtual_server", "dns-53")));
        Assert.Null(Value(afterRemoval, "keepoperator_health_check_duration_seconds_count", ("virtual_server", "dns-53")));
        Assert.Equal(3, Value(afterRemoval, "keepoperator_health_check_duration_seconds_count", ("virtual_server", "web-80")));
    }

    /// <summary>A VRRPv3 advert for VRID 51 from <see cref="Peer"/>, as the receive path decodes it.</summary>
    /// <summary>A valid v3 advert for VRID 51 (VIP 10.99.0.250) from <see cref="Peer"/>.</summary>
    internal static VrrpPacket Advert(byte priority)
    {
        var buffer = new byte[64];
        int length = VrrpPacketCodec.Encode(VrrpVersion.V3, 51, priority, TimeSpan.FromMilliseconds(10), [IPAddress.Parse("10.99.0.250")], null, Peer, VrrpProtocol.MulticastGroupV4, buffer);
        Assert.True(VrrpPacketCodec.TryDecode(buffer.AsSpan(0, length), Peer, VrrpProtocol.MulticastGroupV4, 255, out var packet, out var reason), reason.ToString());
        return packet;
    }
}
