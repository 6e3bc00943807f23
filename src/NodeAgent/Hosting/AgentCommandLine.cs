using System.Net.Sockets;
using System.Runtime.InteropServices;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp.Transport;

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
        var addresses = new RtnetlinkInterfaceAddresses();
        var present = addresses.List();
        var config = StandaloneConfig.Load(configPath, nodeName, present);
        if (config.Errors.Count > 0)
        {
            foreach (var error in config.Errors)
            {
                Console.Error.WriteLine(error);
            }
            Console.Error.WriteLine($"keepoperator-agent: {configPath} refused ({config.Errors.Count} error(s)); nothing on this host was changed.");
            return 1;
        }
        return RunAsync(config.Instances, nodeName, addresses, present, time, log).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(IReadOnlyList<VrrpInstanceSettings> instances, string nodeName, IInterfaceAddresses addresses, IReadOnlyList<InterfaceAddress> present, TimeProvider time, AgentLog log)
    {
        var links = new NetworkLinks();
        var announcer = new AddressAnnouncer();
        var groups = new List<VrrpSocketGroup>();
        var runners = new List<(VrrpInstanceRunner Runner, VrrpInstanceSettings Settings)>();
        foreach (var byLink in instances.GroupBy(s => (s.InterfaceIndex, s.Router.PrimaryAddress.AddressFamily)))
        {
            var first = byLink.First();
            var link = links.Get(first.InterfaceIndex);
            var transport = RawVrrpSocket.Open(link, byLink.Key.AddressFamily, first.Router.PrimaryAddress);
            var byVrid = new Dictionary<byte, VrrpInstanceRunner>();
            foreach (var settings in byLink)
            {
                var runner = new VrrpInstanceRunner(settings, link, transport, addresses, announcer, log);
                runner.RemoveStaleAddresses(present);
                byVrid.Add(settings.Router.VirtualRouterId, runner);
                runners.Add((runner, settings));
                log.Info("instance", ("instance", settings.Router.Name), ("node", nodeName), ("interface", link.Name), ("vrid", settings.Router.VirtualRouterId),
                    ("version", (int)settings.Router.Version), ("priority", settings.Router.Priority), ("advert_interval", settings.Router.AdvertInterval.TotalMilliseconds + "ms"),
                    ("source", settings.Router.PrimaryAddress), ("addresses", string.Join(',', settings.VirtualAddresses.Select(v => $"{v.Address}/{v.PrefixLength}"))));
            }
            groups.Add(new VrrpSocketGroup(link.Name, transport, byVrid));
        }

        await using var agent = new VrrpAgent(groups, time, log);
        using var stopping = new CancellationTokenSource();
        var monitors = runners.Where(r => r.Settings.Tracks.Count > 0)
            .Select(r => new TrackMonitor(r.Settings.Router.Priority, r.Settings.Tracks, time, p => agent.PostPriority(r.Runner, p)))
            .ToList();
        var monitorTasks = monitors.Select(m => m.RunAsync(stopping.Token)).ToList();

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
}
