using System.CommandLine;
using System.Globalization;
using KeepOperator.Api;
using KeepOperator.Cli;
using KeepOperator.Operator.Convert;

namespace KeepOperator.Operator.Hosting;

/// <summary>What `keepoperator` was asked to do.</summary>
public abstract record OperatorCommand;

/// <summary>`keepoperator [run] ...`: run the operator.</summary>
public sealed record RunOperator(OperatorOptions Options) : OperatorCommand;

/// <summary>`keepoperator convert FILE...`: print keepalived.conf files as VirtualIp/VirtualServer YAML.</summary>
public sealed record ConvertKeepalived(KeepalivedConvertOptions Options) : OperatorCommand;

/// <summary>`keepoperator [run] ...` or `keepoperator convert FILE...`: run is the default when no subcommand is named.</summary>
public static class OperatorCommandLine
{
    /// <summary>The command to run, or the help or usage error to print; <paramref name="defaults"/> are the options no flag sets.</summary>
    public static CommandLineResult<OperatorCommand> Parse(IReadOnlyList<string> args, OperatorOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(defaults);
        var kubeconfig = CommandLineParsing.Text("--kubeconfig", "FILE",
            "API server and credentials (default: $KUBECONFIG, ~/.kube/config, then the in-cluster service account)", defaults.Kubeconfig);
        var leaseNamespace = CommandLineParsing.Text("--leader-election-namespace", "NS",
            "namespace of the leader Lease, of Events and of passwordSecretRefs without one", defaults.Namespace);
        var secretNamespaces = CommandLineParsing.Text("--secret-namespaces", "NS[,NS...]",
            "the only namespaces whose Secrets the operator watches, to report a missing passwordSecretRef (default: the --leader-election-namespace)", null);
        var leaseName = CommandLineParsing.Text("--lease-name", "NAME", "the leader Lease", defaults.LeaseName);
        var identity = CommandLineParsing.Text("--identity", "ID", "this replica's name in the Lease (default: $POD_NAME, else HOST_PID)", defaults.Identity);
        var cordonedOffset = CommandLineParsing.Integer("--cordoned-priority-offset",
            "how far below the others a cordoned node's VRRP priority goes", defaults.CordonedPriorityOffset, 1, 253, NumberStyles.None);
        var heartbeatTimeout = CommandLineParsing.Typed("--heartbeat-timeout", "DURATION",
            "an agent silent for longer no longer counts as master or backup", "must be a positive duration such as \"30s\"",
            (string text, out TimeSpan value) => GoDuration.TryParse(text, out value) && value > TimeSpan.Zero, defaults.HeartbeatTimeout);
        var workers = CommandLineParsing.Integer("--workers", "reconciles run at once", defaults.Workers, 1, 64, NumberStyles.None);
        var defaultClass = new Option<bool>("--default-load-balancer-class")
        {
            Description = $"also serve Services of type LoadBalancer without a loadBalancerClass, not only those of class {LoadBalancer.LoadBalancerNames.Class}",
            DefaultValueFactory = _ => defaults.DefaultLoadBalancerClass,
        };
        var logFormat = CommandLineParsing.LogFormatOption(defaults.LogFormat);
        var metricsAddress = CommandLineParsing.Address("--metrics-address", "serve Prometheus metrics on http://ADDRESS/metrics", defaults.MetricsAddress);
        var healthAddress = CommandLineParsing.Address("--health-address", "serve the probes on http://ADDRESS/healthz and /readyz", defaults.HealthAddress);
        Option[] runOptions = [kubeconfig, leaseNamespace, secretNamespaces, leaseName, identity, cordonedOffset, heartbeatTimeout, workers, defaultClass, logFormat, metricsAddress, healthAddress];

        var run = new Command("run", "run the operator (the default command)");
        var (convert, bindConvert) = KeepalivedConvertCommand.Define();
        var root = CommandLineParsing.Root("keepoperator", "KeepOperator: keepalived for Kubernetes.");
        foreach (var option in runOptions)
        {
            // On the root too: `keepoperator --flag ...` runs the operator, as it always did.
            root.Options.Add(option);
            run.Options.Add(option);
        }

        // Without an action of its own the root would demand a subcommand; the caller runs what the parse names.
        root.SetAction(_ => { });
        run.SetAction(_ => { });
        root.Subcommands.Add(run);
        root.Subcommands.Add(convert);
        // `keepoperator help` printed the usage before subcommands had their own --help.
        return CommandLineParsing.Parse<OperatorCommand>(root, args is ["help", ..] ? ["--help"] : args, result => result.CommandResult.Command == convert
            ? new ConvertKeepalived(bindConvert(result))
            : new RunOperator(defaults with
            {
                Kubeconfig = result.GetValue(kubeconfig),
                Namespace = result.GetValue(leaseNamespace)!,
                SecretNamespaces = result.GetValue(secretNamespaces)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                LeaseName = result.GetValue(leaseName)!,
                Identity = result.GetValue(identity)!,
                CordonedPriorityOffset = result.GetValue(cordonedOffset),
                HeartbeatTimeout = result.GetValue(heartbeatTimeout),
                Workers = result.GetValue(workers),
                DefaultLoadBalancerClass = result.GetValue(defaultClass),
                LogFormat = result.GetValue(logFormat),
                MetricsAddress = result.GetValue(metricsAddress).Value,
                HealthAddress = result.GetValue(healthAddress).Value,
            }));
    }
}
