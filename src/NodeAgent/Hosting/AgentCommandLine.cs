using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KeepOperator.Api.Logging;
using KeepOperator.Api.Manifests;
using KeepOperator.Api.Metrics;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Interop;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Notify;
using KeepOperator.NodeAgent.Webhooks;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>The agent's settings from its command line.</summary>
/// <param name="ConfigPath">--config: standalone mode; null: cluster mode.</param>
/// <param name="KubeconfigPath">--kubeconfig (cluster mode); null: $KUBECONFIG, the service account, then ~/.kube/config.</param>
/// <param name="NodeName">--node-name, else $NODE_NAME, else the host name.</param>
/// <param name="MetricsAddress">--metrics-address; null: off.</param>
public sealed record AgentOptions(string? ConfigPath, string? KubeconfigPath, string NodeName, LogFormat LogFormat, DataplaneMode Dataplane, bool DryRun, MetricsAddress? MetricsAddress);

/// <summary>
/// Parses the agent's command line. Standalone (--config): validates the whole file before touching the host, then
/// runs it (or, with --dry-run, prints what it would program). Cluster (no --config): follows this node's
/// NodeAgentConfig and reports into its status.
/// </summary>
public static class AgentCommandLine
{
    /// <summary>The chart's metrics.port: the agent shares the host's ports, away from node-exporter's 9100 and the kubelet's.</summary>
    public const int DefaultMetricsPort = 9650;

    /// <summary>The options to run with, or the help or usage error to print; <paramref name="nodeNameVariable"/> is $NODE_NAME.</summary>
    public static CommandLineResult<AgentOptions> Parse(IReadOnlyList<string> args, string? nodeNameVariable)
    {
        var syntax = new CommandLineSyntax("keepoperator-agent",
            "keepoperator-agent --config FILE --node-name NAME [--dry-run]: standalone, runs the file's VIPs and virtual servers.\n" +
            "keepoperator-agent --node-name NAME [--kubeconfig FILE]: cluster, follows NodeAgentConfig NAME.");
        var config = syntax.Value("--config", "FILE",
            "standalone: YAML file of VirtualIp and VirtualServer documents (the same YAML kubectl apply takes)");
        var nodeName = syntax.Value("--node-name", "NAME", "this node's name (default: $NODE_NAME, then the host name)");
        var kubeconfig = syntax.Value("--kubeconfig", "FILE",
            "cluster mode: API server and credentials (default: $KUBECONFIG, then the pod's service account, then ~/.kube/config)");
        var logFormat = syntax.Value("--log-format", "logfmt|json", "logfmt or json: one line per event on stdout", "logfmt");
        var dataplane = syntax.Value("--dataplane", "auto|ipvs|nftables",
            "auto, ipvs or nftables: what programs the virtual servers; auto takes IPVS when the kernel has it " +
            "(generic netlink family IPVS), else nftables", "auto");
        var dryRun = syntax.Flag("--dry-run",
            "with --config: print the requests that would program the virtual servers into a kernel holding none " +
            "(IPVS: an \"# ipvsadm ...\" line and the netlink request in hex for each; nftables: the nft script) and exit without changing the host");
        var defaultMetrics = new MetricsAddress(null, DefaultMetricsPort);
        var metricsAddress = syntax.Value("--metrics-address", "IP:PORT|:PORT|off",
            $"serve Prometheus metrics on http://A/metrics: {MetricsAddress.Syntax}", defaultMetrics.ToString());

        var parsed = syntax.Parse(args);
        var options = new AgentOptions(
            parsed.Text(config),
            parsed.Text(kubeconfig),
            parsed.Text(nodeName) ?? nodeNameVariable ?? Environment.MachineName,
            parsed.Get<LogFormat>(logFormat, "logfmt or json", StructuredLog.TryParseFormat, LogFormat.Logfmt),
            parsed.Get<DataplaneMode>(dataplane, "auto, ipvs or nftables", DataplaneSelector.TryParseMode, DataplaneMode.Auto),
            parsed.Has(dryRun),
            parsed.Get<MetricsAddress?>(metricsAddress, MetricsAddress.Syntax, MetricsAddress.TryParse, defaultMetrics));
        if (parsed.Has(config) && parsed.Has(kubeconfig))
        {
            parsed.AddError("--config (standalone) and --kubeconfig (cluster) exclude each other");
        }
        else if (parsed.Has(dryRun) && !parsed.Has(config))
        {
            parsed.AddError("--dry-run needs --config");
        }

        return parsed.Result(options);
    }

    public static int Run(string[] args)
    {
        var parsed = Parse(args, Environment.GetEnvironmentVariable("NODE_NAME"));
        if (!parsed.TryGetOptions(Console.Out, Console.Error, out var options))
        {
            return parsed.ExitCode;
        }

        var time = TimeProvider.System;
        var log = new StructuredLog(Console.Out, time, options.LogFormat);
        return options.ConfigPath is null
            ? RunCluster(options.KubeconfigPath, options.NodeName, options.Dataplane, time, log, options.MetricsAddress)
            : RunStandalone(options.ConfigPath, options.NodeName, options.Dataplane, options.DryRun, time, log, options.MetricsAddress);
    }

    private static int RunStandalone(string configPath, string nodeName, DataplaneMode dataplane, bool dryRun, TimeProvider time, StructuredLog log, MetricsAddress? metricsAddress)
    {
        using var addresses = new RtnetlinkInterfaceAddresses();
        StandaloneConfig config;
        try
        {
            config = StandaloneConfig.Load(configPath, nodeName, addresses.List());
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
        if (dryRun)
        {
            // A dry run asks the kernel only in auto mode: an explicit choice is printed whatever this kernel has.
            var choice = dataplane == DataplaneMode.Auto
                ? LoadBalancingHost.Choose(dataplane)
                : new DataplaneChoice(dataplane == DataplaneMode.Ipvs ? DataplaneKind.Ipvs : DataplaneKind.Nftables, "requested, dry run");
            if (choice.Kind is not { } kind)
            {
                Console.Error.WriteLine($"keepoperator-agent: {choice.Reason}");
                return 1;
            }
            Console.Out.Write($"# dataplane {choice}\n{DryRun.Render(config.VirtualServers, kind)}");
            return 0;
        }
        foreach (var warning in config.Warnings)
        {
            log.Warn("config", ("message", warning));
        }
        var metrics = new AgentMetrics();
        using var loadBalancing = LoadBalancingHost.Create(dataplane, time, log, metrics);
        if (loadBalancing is null)
        {
            return 1;
        }
        loadBalancing.Balancer.SetVirtualServers(config.VirtualServers);
        return RunLoopAsync(addresses, nodeName, time, log, loadBalancing, metrics, metricsAddress, agent =>
        {
            foreach (var settings in config.Instances)
            {
                agent.AddInstance(settings);
            }
            return null;
        }).GetAwaiter().GetResult();
    }

    private static int RunCluster(string? kubeconfigPath, string nodeName, DataplaneMode dataplane, TimeProvider time, StructuredLog log, MetricsAddress? metricsAddress)
    {
        KubeConnectionSettings connection;
        try
        {
            connection = KubeConnectionSettings.Load(kubeconfigPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or YamlDotNet.Core.YamlException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"keepoperator-agent: cannot load the cluster connection: {ex.Message}");
            return 1;
        }
        log.Info("cluster-mode", ("node", nodeName), ("server", connection.Server));
        using var client = new KubeApiClient(connection);
        // Its own netlink socket: the loop's is used on the loop thread only.
        using var hostAddresses = new RtnetlinkInterfaceAddresses();
        using var addresses = new RtnetlinkInterfaceAddresses();
        var metrics = new AgentMetrics();
        using var loadBalancing = LoadBalancingHost.Create(dataplane, time, log, metrics);
        if (loadBalancing is null)
        {
            return 1;
        }
        return RunLoopAsync(addresses, nodeName, time, log, loadBalancing, metrics, metricsAddress,
            agent => new ClusterAgent(client, agent, nodeName, hostAddresses, time, log, loadBalancing.Context)).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Serves the metrics, then runs the event loop and the load balancer until SIGTERM/SIGINT; <paramref name="start"/>
    /// feeds the loop instances (and may return a cluster side to run alongside). The virtual servers go after the VIPs
    /// were released.
    /// </summary>
    private static async Task<int> RunLoopAsync(IInterfaceAddresses addresses, string nodeName, TimeProvider time, StructuredLog log,
        LoadBalancingHost loadBalancing, AgentMetrics metrics, MetricsAddress? metricsAddress, Func<VrrpAgent, ClusterAgent?> start)
    {
        MetricsServer? metricsServer;
        try
        {
            metricsServer = metricsAddress is null ? null : MetricsServer.Start(new IPEndPoint(metricsAddress.Address ?? IPAddress.IPv6Any, metricsAddress.Port), metrics.Render);
        }
        catch (SocketException ex)
        {
            Console.Error.WriteLine($"keepoperator-agent: cannot serve metrics on {metricsAddress}: {ex.Message} (--metrics-address off disables them)");
            return 1;
        }
        if (metricsAddress is not null)
        {
            log.Info("metrics", ("address", metricsAddress), ("path", "/metrics"));
        }
        using var served = metricsServer;
        using var links = new NetworkLinks();
        using var macvlans = new RtnetlinkMacvlanLinks(links);
        using var announcer = new AddressAnnouncer();
        var notify = new NotifyScriptRunner(log);
        using var webhooks = new WebhookSender(nodeName, time, log, metrics);
        using var webhooksStop = new CancellationTokenSource();
        var sending = webhooks.RunAsync(webhooksStop.Token);
        await using var agent = new VrrpAgent(new HostInstanceFactory(addresses, links, macvlans, announcer, nodeName, time, log, metrics), time, log, metrics, notify, webhooks);
        agent.InstanceTransitioned += (settings, changed) => loadBalancing.ConnectionSync.OnTransition(settings, changed.To);
        using var stopping = new CancellationTokenSource();
        // Before anything is programmed: a SIGTERM from then on cleans up instead of killing the process.
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            log.Info("shutdown", ("signal", context.Signal));
            agent.RequestShutdown();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var linkMonitor = LinkMonitor.Open(links);
        var linkEvents = FollowAsync(() => linkMonitor.RunAsync(agent.LinkChanged, stopping.Token), log, "link-monitor-failed", "interface down no longer puts instances in FAULT");
        using var arpMonitor = ArpMonitor.Open();
        var arpEvents = FollowAsync(() => arpMonitor.RunAsync(agent.ArpSeen, stopping.Token), log, "arp-monitor-failed", "a master no longer answers another host's ARP claim to its VIPs");
        var cluster = start(agent);
        var clusterTask = cluster?.RunAsync(stopping.Token) ?? Task.CompletedTask;
        var balancing = loadBalancing.RunAsync(stopping.Token);


        await agent.RunAsync().ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        await clusterTask.ConfigureAwait(false);
        await balancing.ConfigureAwait(false);
        await linkEvents.ConfigureAwait(false);
        await arpEvents.ConfigureAwait(false);
        if (cluster is not null)
        {
            await cluster.ReportFinalAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        // notify_stop scripts were queued as the instances stopped: let them finish (each is bounded by its timeout).
        await notify.DrainAsync().ConfigureAwait(false);
        // The STOP transitions' webhooks too, bounded: an endpoint that is down must not hold the shutdown.
        webhooks.Complete();
        webhooksStop.CancelAfter(WebhookDrainTimeout);
        await sending.ConfigureAwait(false);
        log.Info("stopped", ("node", nodeName));
        return 0;
    }

    private static readonly TimeSpan WebhookDrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Kernel notifications into the loop; should their socket fail, the agent runs on without them and says so.</summary>
    private static async Task FollowAsync(Func<Task> follow, StructuredLog log, string failure, string effect)
    {
        try
        {
            await follow().ConfigureAwait(false);
        }
        catch (LinuxErrorException ex)
        {
            log.Error(failure, ("error", ex.Message), ("effect", effect));
        }
    }
}
