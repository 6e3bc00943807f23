using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using k8s;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Convert;
using KeepOperator.Operator.Kube;
using Prometheus;

namespace KeepOperator.Operator.Hosting;

/// <summary>`keepoperator [run] ...` or `keepoperator convert FILE...`: parses the command line (<see cref="OperatorCommandLine"/>) and runs what it names.</summary>
public static class OperatorCli
{
    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var defaults = new OperatorOptions
        {
            Namespace = KubernetesClientConfiguration.IsInCluster() && File.Exists(ServiceAccountNamespaceFile)
                ? File.ReadAllText(ServiceAccountNamespaceFile).Trim()
                : "default",
        };
        var parsed = OperatorCommandLine.Parse(args, defaults);
        if (!parsed.TryGetOptions(stdout, stderr, out var command))
        {
            return parsed.ExitCode;
        }

        return command switch
        {
            ConvertKeepalived convert => KeepalivedConvertCommand.Run(convert.Options, stdout, stderr),
            RunOperator run => await RunOperatorAsync(run.Options, stdout, stderr),
            _ => throw new InvalidOperationException($"no such command: {command}"),
        };
    }

    private static async Task<int> RunOperatorAsync(OperatorOptions options, TextWriter stdout, TextWriter stderr)
    {
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

        using var client = OperatorClient.Create(config);
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
