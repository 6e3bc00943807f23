using System.Globalization;
using KeepOperator.NodeAgent.Config;
using Prometheus;

namespace KeepOperator.NodeAgent.Metrics;

/// <summary>
/// The agent's Prometheus metrics, named and labelled like keepalived_exporter's and kube-vip's (prefix
/// keepoperator_): VRRP instances (through <see cref="ForInstance"/>), real servers, and the process. Written from the
/// event loop and the checkers, read by scrapes on other threads (prometheus-net's collectors are thread-safe).
/// </summary>
public sealed class AgentMetrics
{
    public AgentMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        // process_* (CPU, resident memory, threads, start time) and dotnet_* (GC): read at scrape time only.
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        State = factory.CreateGauge("keepoperator_vrrp_state", "1 for the VRRP instance's current state, 0 for the others.", "vip", "interface", "vrid", "state");
        Transitions = factory.CreateCounter("keepoperator_vrrp_transitions_total", "State transitions of the VRRP instance.", "vip", "from", "to");
        AdvertsSent = factory.CreateCounter("keepoperator_vrrp_adverts_sent_total", "VRRP advertisements sent (priority 0 on shutdown included).", "vip");
        AdvertsReceived = factory.CreateCounter("keepoperator_vrrp_adverts_received_total", "VRRP advertisements received that passed every check.", "vip");
        PacketsDropped = factory.CreateCounter("keepoperator_vrrp_packets_dropped_total", "Received VRRP packets dropped, by reason.", "vip", "reason");
        EffectivePriority = factory.CreateGauge("keepoperator_vrrp_effective_priority", "The priority the instance advertises: its base priority adjusted by tracking.", "vip");
        _realServerUp = factory.CreateGauge("keepoperator_real_server_up", "1 while the real server passes its health check, 0 while it fails.", "virtual_server", "address", "port");
        _checkDuration = factory.CreateHistogram("keepoperator_health_check_duration_seconds", "How long real-server health checks took.", ["virtual_server"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 15) }); // 0.5 ms to 8 s: LAN connects up to check timeouts
    }

    /// <summary>What /metrics serves.</summary>
    public CollectorRegistry Registry { get; }

    internal Gauge State { get; }

    internal Counter Transitions { get; }

    internal Counter AdvertsSent { get; }

    internal Counter AdvertsReceived { get; }

    internal Counter PacketsDropped { get; }

    internal Gauge EffectivePriority { get; }

    private readonly Gauge _realServerUp;
    private readonly Histogram _checkDuration;

    /// <summary>One instance's series, present from now until <see cref="InstanceMetrics.Remove"/>.</summary>
    public InstanceMetrics ForInstance(VrrpInstanceSettings settings) => new(this, settings);

    /// <summary>A real server's health verdict (its series stays until <see cref="RealServerRemoved"/>).</summary>
    public void RealServerHealth(string virtualServer, string address, int port, bool up) =>
        _realServerUp.WithLabels(virtualServer, address, Port(port)).Set(up ? 1 : 0);

    /// <summary>The real server left the configuration: its series goes.</summary>
    public void RealServerRemoved(string virtualServer, string address, int port) =>
        _realServerUp.RemoveLabelled(virtualServer, address, Port(port));

    /// <summary>One health check of a real server of <paramref name="virtualServer"/> finished after <paramref name="latency"/>.</summary>
    public void ObserveCheck(string virtualServer, TimeSpan latency) =>
        _checkDuration.WithLabels(virtualServer).Observe(latency.TotalSeconds);

    /// <summary>The virtual server left the configuration: its latency histogram goes.</summary>
    public void VirtualServerRemoved(string virtualServer) => _checkDuration.RemoveLabelled(virtualServer);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
