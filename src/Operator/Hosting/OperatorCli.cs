using KeepOperator.Api.Logging;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using k8s;
using KeepOperator.Operator.Convert;
using Prometheus;

namespace KeepOperator.Operator.Hosting;

/// <summary>`keepoperator [run] ...` or `keepoperator convert FILE...`: the first argument picks the subcommand (run is the default).</summary>
public static class OperatorCli
{
    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var command = args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal) ? "run" : args[0];
        var rest = command == "run" && args.Length > 0 && args[0] == "run" ? args[1..] : args;
        switch (command)
        {
            case "run":
                return await RunOperatorAsync(rest, stdout, stderr);
            case "convert":
                return KeepalivedConvertCommand.Run(args[1..], stdout, stderr);
            case "help" or "-h":
                await stdout.WriteLineAsync(OperatorCommandLine.Usage);
                return 0;
            default:
                await stderr.WriteLineAsync($"keepoperator: unknown command \"{command}\"\n{OperatorCommandLine.Usage}");
                return 2;
        }
    }

    private static async Task<int> RunOperatorAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Contains("--help"))
        {
            await stdout.WriteLineAsync(OperatorCommandLine.Usage);
            return 0;
        }

        var defaults = new OperatorOptions
        {
            Namespace = KubernetesClientConfiguration.IsInCluster() && File.Exists(ServiceAccountNamespaceFile)
                ? File.ReadAllText(ServiceAccountNamespaceFile).Trim()
                : "default",
        };
        var (options, error) = OperatorCommandLine.Parse(args, defaults);
        if (options is null)
        {
            await stderr.WriteLineAsync($"keepoperator: {error}\n{OperatorCommandLine.Usage}");
            return 2;
        }

        KubernetesClientConfiguration config;
        try
        {
            config = options.Kubeconfig is { } path
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or ArgumentException)
        {
            // ArgumentException: KubernetesClient's answer to KUBECONFIG set but empty
            await stderr.WriteLineAsync($"keepoperator: no cluster to talk to: {e.Message}");
            return 2;
        }

        using var client = new Kubernetes(config);
        using var shutdown = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        var log = new StructuredLog(stdout, TimeProvider.System, options.LogFormat);
        var runner = new OperatorRunner(client, options, TimeProvider.System, log);
        using var metricsServer = options.MetricsAddress is { } address ? new MetricServer(address.ListenerHost, address.Port, "metrics/", runner.Metrics.Registry) : null;
        try
        {
            metricsServer?.Start();
        }
        catch (Exception e) when (e is HttpListenerException or SocketException)
        {
            await stderr.WriteLineAsync($"keepoperator: cannot serve metrics on {options.MetricsAddress}: {e.Message} (--metrics-address off disables them)");
            return 1;
        }

        HealthServer? healthServer;
        try
        {
            healthServer = options.HealthAddress is { } health ? HealthServer.Start(health) : null;
        }
        catch (Exception e) when (e is HttpListenerException or SocketException)
        {
            await stderr.WriteLineAsync($"keepoperator: cannot serve probes on {options.HealthAddress}: {e.Message} (--health-address off disables them)");
            return 1;
        }

        using var probes = healthServer;

        log.Info("start", ("identity", options.Identity), ("server", config.Host), ("lease", $"{options.Namespace}/{options.LeaseName}"), ("metrics", options.MetricsAddress?.ToString() ?? KeepOperator.Api.Metrics.MetricsAddress.Off));
        await runner.RunAsync(shutdown.Token);
        log.Info("stopped", ("identity", options.Identity));
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // shut down in order instead of dying at once
            shutdown.Cancel();
        }
    }
}
