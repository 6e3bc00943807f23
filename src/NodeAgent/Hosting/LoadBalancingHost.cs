using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.ConnectionSync;
using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Nftables;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// The load balancer on this host: the dataplane chosen at start (logged in one line, with why), the health checker's
/// loop and the <see cref="LoadBalancer"/> between them.
/// </summary>
public sealed class LoadBalancingHost : IDisposable
{
    private readonly GenericNetlinkTransport _netlink;
    private readonly GenericNetlinkTransport? _syncNetlink;
    private readonly HealthCheckScheduler _scheduler;
    private readonly LibNftablesRunner? _libNftables;

    private LoadBalancingHost(GenericNetlinkTransport netlink, GenericNetlinkTransport? syncNetlink, LibNftablesRunner? libNftables, HealthCheckScheduler scheduler,
        LoadBalancingContext context, ConnectionSyncController connectionSync)
    {
        _netlink = netlink;
        _syncNetlink = syncNetlink;
        _libNftables = libNftables;
        _scheduler = scheduler;
        Context = context;
        ConnectionSync = connectionSync;
    }

    public LoadBalancingContext Context { get; }

    /// <summary>The IPVS sync daemons, driven by the VRRP loop's transitions.</summary>
    public ConnectionSyncController ConnectionSync { get; }

    public LoadBalancer Balancer => Context.Balancer;

    /// <summary>Which dataplane <paramref name="mode"/> leads to on this kernel (looking, changing nothing).</summary>
    public static DataplaneChoice Choose(DataplaneMode mode)
    {
        using var netlink = new GenericNetlinkTransport();
        return DataplaneSelector.Select(mode, IpvsDataplane.Probe(netlink));
    }

    /// <summary>Chooses the dataplane and sets everything up; null (with the reason logged) when --dataplane ipvs cannot be had.</summary>
    public static LoadBalancingHost? Create(DataplaneMode mode, TimeProvider time, StructuredLog log, AgentMetrics metrics)
    {
        var netlink = new GenericNetlinkTransport();
        var probe = IpvsDataplane.Probe(netlink);
        var choice = DataplaneSelector.Select(mode, probe);
        if (choice.Kind is not { } kind)
        {
            log.Error("dataplane", ("reason", choice.Reason));
            netlink.Dispose();
            return null;
        }

        log.Info("dataplane", ("dataplane", DataplaneSelector.Name(kind)), ("reason", choice.Reason));
        string? kubeProxyWarning;
        using (var links = new NetworkLinks())
        {
            kubeProxyWarning = KubeProxyIpvsCheck.Explain(kind, links.Find(KubeProxyIpvsCheck.LinkName) is not null);
        }

        if (kubeProxyWarning is not null)
        {
            log.Warn("kube-proxy-ipvs", ("message", kubeProxyWarning));
        }

        LibNftablesRunner? libNftables = null;
        ILoadBalancingDataplane dataplane;
        if (kind == DataplaneKind.Ipvs)
        {
            dataplane = new IpvsDataplane(netlink, probe.FamilyId!.Value);
        }
        else
        {
            libNftables = LibNftablesRunner.TryCreate(out var how);
            if (libNftables is null)
            {
                log.Warn("nftables-runner", ("runner", "nft -f, one process per transaction (slower)"), ("reason", how));
            }
            else
            {
                log.Info("nftables-runner", ("runner", how));
            }

            dataplane = new NftablesLoadBalancingDataplane(libNftables is null ? new NftProcessRunner() : libNftables);
        }

        var scheduler = new HealthCheckScheduler([], time);
        var balancer = new LoadBalancer(dataplane, new HealthCheckSchedulerChecker(scheduler), servers => IpForwardingCheck.Check(servers), time, log);
        var series = new RealServerSeries(metrics);
        scheduler.CheckCompleted += completion => metrics.ObserveCheck(completion.Check.VirtualServer, completion.Latency);
        balancer.Changed += () => series.Update(balancer.Status);
        // Its own socket: the daemons are swapped on the controller's task, the virtual servers on the balancer's.
        var syncNetlink = kind == DataplaneKind.Ipvs ? new GenericNetlinkTransport() : null;
        var connectionSync = new ConnectionSyncController(syncNetlink, probe.FamilyId ?? 0, log, time);
        return new LoadBalancingHost(netlink, syncNetlink, libNftables, scheduler, new LoadBalancingContext(balancer, choice, kubeProxyWarning), connectionSync);
    }

    /// <summary>Checks, balances and swaps sync daemons until <paramref name="stop"/>; then the virtual servers are removed from the kernel and the daemons follow the stopped instances.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(_scheduler.RunAsync(stop), Balancer.RunAsync(stop), ConnectionSync.RunAsync(stop));

    public void Dispose()
    {
        _netlink.Dispose();
        _syncNetlink?.Dispose();
        _libNftables?.Dispose();
    }
}
