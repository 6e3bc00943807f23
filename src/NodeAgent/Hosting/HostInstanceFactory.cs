using KeepOperator.Api;
using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Interop;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vmac;
using KeepOperator.NodeAgent.Vrrp.Transport;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>Starts instances on this host: raw sockets, rtnetlink addresses, announcements, tracking probes.</summary>
public sealed class HostInstanceFactory(IInterfaceAddresses addresses, NetworkLinks links, IMacvlanLinks macvlans, IAddressAnnouncer announcer, string nodeName, TimeProvider time, StructuredLog log, AgentMetrics metrics)
    : IVrrpInstanceFactory
{
    /// <summary>
    /// Opens the VRRP socket; an IPv6 link-local source is unusable while DAD still runs on it, so that case is
    /// retried for a few seconds instead of failing the start (this blocks the loop, once, only for a new IPv6 interface).
    /// </summary>
    public IVrrpTransport OpenTransport(VrrpInstanceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var link = Link(settings);
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                return RawVrrpSocket.Open(link, settings.InterfaceAddress.AddressFamily, settings.InterfaceAddress);
            }
            catch (LinuxErrorException ex) when (ex.Errno == EADDRNOTAVAIL && time.GetUtcNow() < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    public VrrpInstanceRunner CreateRunner(VrrpInstanceSettings settings, IVrrpTransport transport)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var link = Link(settings);
        var router = settings.Router;
        var vmac = settings.Vmac is { } v
            ? VmacInterface.Create(macvlans, v, link, router.VirtualRouterId, router.PrimaryAddress.AddressFamily, s => VmacSysctls.Apply(s))
            : null;
        var runner = new VrrpInstanceRunner(settings, link, transport, addresses, announcer, log, metrics.ForInstance(settings), vmac, name => links.Find(name)?.IsUp ?? false);
        runner.RemoveStaleAddresses(addresses.List());
        log.Info("instance", ("instance", settings.Name), ("node", nodeName), ("interface", link.Name), ("vrid", router.VirtualRouterId),
            ("version", (int)router.Version), ("priority", router.Priority), ("advert_interval", GoDuration.Format(router.AdvertInterval)),
            ("source", router.PrimaryAddress), ("addresses", string.Join(',', settings.VirtualAddresses)),
            ("unicast_peers", router.UnicastPeers is { } peers ? string.Join(',', peers) : null), ("vmac", vmac?.Link.Name));
        return runner;
    }

    /// <summary>Tracking verdicts: weight changes the priority, a failing weight-0 check is FAULT.</summary>
    public IDisposable? StartTracking(VrrpInstanceSettings settings, Action<byte, bool> verdict)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Track.Count == 0)
        {
            return null;
        }
        var monitor = TrackMonitor.ForChecks(settings.Router.Priority, settings.Track, time);
        monitor.CheckChanged += check => log.Info("track", ("instance", settings.Name), ("check", check.Name), ("state", check.State),
            ("message", check.LastResult?.Message));
        monitor.StatusChanged += status => verdict(status.EffectivePriority, status.Fault);
        var stop = new CancellationTokenSource();
        _ = monitor.RunAsync(stop.Token);
        return new TrackingHandle(stop);
    }

    /// <summary>Disposing stops the probes (a CancellationTokenSource's own Dispose would not cancel them).</summary>
    private sealed class TrackingHandle(CancellationTokenSource stop) : IDisposable
    {
        // Cancelled, not disposed: the monitor may still be looking at the token as it winds down.
        public void Dispose() => stop.Cancel();
    }

    private NetworkLink Link(VrrpInstanceSettings settings) =>
        links.Find(settings.InterfaceIndex) ?? throw new InvalidOperationException($"interface {settings.InterfaceName} disappeared");
}
