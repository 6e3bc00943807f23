using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KeepOperator.Api;
using KeepOperator.Api.Manifests;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Interop;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp.Transport;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>Parses the agent's command line, validates the whole configuration before touching the host, then runs.</summary>
public static class AgentCommandLine
{
    private const string Usage = """
        usage: keepoperator-agent --config FILE --node-name NAME

          --config FILE      YAML file of VirtualIp documents (the same YAML kubectl apply takes)
          --node-name NAME   this node's name in spec.priorities (default: $NODE_NAME, then the host name)
        """;

    public static int Run(string[] args)
    {
        string? configPath = null;
        string? nodeName = Environment.GetEnvironmentVariable("NODE_NAME");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length:
                    configPath = args[++i];
                    break;
                case "--node-name" when i + 1 < args.Length:
                    nodeName = args[++i];
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"keepoperator-agent: unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        if (configPath is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        nodeName ??= Environment.MachineName;

        var time = TimeProvider.System;
        var log = new AgentLog(Console.Out, time);
        using var addresses = new RtnetlinkInterfaceAddresses();
        var present = addresses.List();
        StandaloneConfig config;
        try
        {
            config = StandaloneConfig.Load(configPath, nodeName, present);
        }
        catch (ManifestException ex)
        {
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine(error);
            }
            Console.Error.WriteLine($"keepoperator-agent: {configPath} refused ({ex.Errors.Count} error(s)); nothing on this host was changed.");
            return 1;
        }
        foreach (var warning in config.Warnings)
        {
            log.Warn("config", ("message", warning));
        }
        return RunAsync(config.Instances, nodeName, addresses, present, time, log).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(IReadOnlyList<VrrpInstanceSettings> instances, string nodeName, IInterfaceAddresses addresses, IReadOnlyList<InterfaceAddress> present, TimeProvider time, AgentLog log)
    {
        using var links = new NetworkLinks();
        using var announcer = new AddressAnnouncer();
        var groups = new List<VrrpSocketGroup>();
        var runners = new List<(VrrpInstanceRunner Runner, VrrpInstanceSettings Settings)>();
        foreach (var byLink in instances.GroupBy(s => (s.InterfaceIndex, s.Router.PrimaryAddress.AddressFamily)))
        {
            var first = byLink.First();
            var link = links.Find(first.InterfaceIndex) ?? throw new InvalidOperationException($"interface {first.InterfaceName} disappeared");
            var transport = await OpenTransportAsync(link, byLink.Key.AddressFamily, first.Router.PrimaryAddress, time).ConfigureAwait(false);
            var byVrid = new Dictionary<byte, VrrpInstanceRunner>();
            foreach (var settings in byLink)
            {
                var runner = new VrrpInstanceRunner(settings, link, transport, addresses, announcer, log);
                runner.RemoveStaleAddresses(present);
                byVrid.Add(settings.Router.VirtualRouterId, runner);
                runners.Add((runner, settings));
                log.Info("instance", ("instance", settings.Name), ("node", nodeName), ("interface", link.Name), ("vrid", settings.Router.VirtualRouterId),
                    ("version", (int)settings.Router.Version), ("priority", settings.Router.Priority), ("advert_interval", GoDuration.Format(settings.Router.AdvertInterval)),
                    ("source", settings.Router.PrimaryAddress), ("addresses", string.Join(',', settings.VirtualAddresses)));
            }
            groups.Add(new VrrpSocketGroup(link.Name, transport, byVrid));
        }

        await using var agent = new VrrpAgent(groups, time, log);
        using var stopping = new CancellationTokenSource();
        var monitorTasks = runners.Where(r => r.Settings.Track.Count > 0)
            .Select(r => StartTracking(r.Runner, r.Settings, agent, time, log, stopping.Token))
            .ToList();

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            log.Info("shutdown", ("signal", context.Signal));
            agent.RequestShutdown();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        await agent.RunAsync().ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(monitorTasks).ConfigureAwait(false);
        log.Info("stopped", ("node", nodeName));
        return 0;
    }

    /// <summary>Feeds a tracking monitor's verdicts to the loop: weight changes the priority, a failing weight-0 check is FAULT.</summary>
    private static Task StartTracking(VrrpInstanceRunner runner, VrrpInstanceSettings settings, VrrpAgent agent, TimeProvider time, AgentLog log, CancellationToken stop)
    {
        var monitor = TrackMonitor.ForInstance(settings, time);
        monitor.CheckChanged += check => log.Info("track", ("instance", settings.Name), ("check", check.Name), ("state", check.State),
            ("message", check.LastResult?.Message));
        monitor.StatusChanged += status => agent.PostTracking(runner, status.EffectivePriority, status.Fault);
        return monitor.RunAsync(stop);
    }

    /// <summary>
    /// Opens the VRRP socket; an IPv6 link-local source is unusable while DAD still runs on it, so that case is
    /// retried for a few seconds instead of failing the start.
    /// </summary>
    private static async Task<IVrrpTransport> OpenTransportAsync(NetworkLink link, AddressFamily family, IPAddress source, TimeProvider time)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                return RawVrrpSocket.Open(link, family, source);
            }
            catch (LinuxErrorException ex) when (ex.Errno == EADDRNOTAVAIL && time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time).ConfigureAwait(false);
            }
        }
    }
}
