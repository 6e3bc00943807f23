using System.Globalization;
using KeepOperator.Api;
using KeepOperator.Api.Metrics;

namespace KeepOperator.Operator.Hosting;

/// <summary>Flags of `keepoperator run`.</summary>
public static class OperatorCommandLine
{
    public const string Usage = """
        usage: keepoperator [run] [--kubeconfig FILE] [--leader-election-namespace NS] [--lease-name NAME] [--identity ID]
                                  [--cordoned-priority-offset N] [--heartbeat-timeout DURATION] [--workers N]
                                  [--log-format logfmt|json] [--metrics-address IP:PORT|:PORT|off]
                                  [--health-address IP:PORT|:PORT|off]
               keepoperator convert KEEPALIVED.CONF... [--node-name-map lb01=n1,...]
        Without --kubeconfig: $KUBECONFIG, ~/.kube/config, then the in-cluster service account.
        Metrics: http://ADDRESS/metrics, --metrics-address :8080 by default.
        Probes: http://ADDRESS/healthz and /readyz, --health-address :8081 by default.
        """;

    public static (OperatorOptions? Options, string? Error) Parse(IReadOnlyList<string> args, OperatorOptions defaults)
    {
        var options = defaults;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (i + 1 >= args.Count)
            {
                return (null, $"{flag}: needs a value");
            }

            var value = args[++i];
            switch (flag)
            {
                case "--kubeconfig":
                    options = options with { Kubeconfig = value };
                    break;
                case "--log-format":
                    if (!KeepOperator.Api.Logging.StructuredLog.TryParseFormat(value, out var format))
                    {
                        return (null, $"--log-format: logfmt or json, got \"{value}\"");
                    }
                    options = options with { LogFormat = format };
                    break;
                case "--metrics-address":
                    if (!MetricsAddress.TryParse(value, out var metricsAddress))
                    {
                        return (null, $"--metrics-address: {MetricsAddress.Syntax}, got \"{value}\"");
                    }

                    options = options with { MetricsAddress = metricsAddress };
                    break;
                case "--health-address":
                    if (!MetricsAddress.TryParse(value, out var healthAddress))
                    {
                        return (null, $"--health-address: {MetricsAddress.Syntax}, got \"{value}\"");
                    }

                    options = options with { HealthAddress = healthAddress };
                    break;
                case "--leader-election-namespace":
                    options = options with { Namespace = value };
                    break;
                case "--lease-name":
                    options = options with { LeaseName = value };
                    break;
                case "--identity":
                    options = options with { Identity = value };
                    break;
                case "--cordoned-priority-offset":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset is < 1 or > 253)
                    {
                        return (null, $"--cordoned-priority-offset: must be a number from 1 to 253, got \"{value}\"");
                    }

                    options = options with { CordonedPriorityOffset = offset };
                    break;
                case "--heartbeat-timeout":
                    if (!GoDuration.TryParse(value, out var timeout) || timeout <= TimeSpan.Zero)
                    {
                        return (null, $"--heartbeat-timeout: must be a positive duration such as \"30s\", got \"{value}\"");
                    }

                    options = options with { HeartbeatTimeout = timeout };
                    break;
                case "--workers":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var workers) || workers is < 1 or > 64)
                    {
                        return (null, $"--workers: must be a number from 1 to 64, got \"{value}\"");
                    }

                    options = options with { Workers = workers };
                    break;
                default:
                    return (null, $"unknown flag {flag}");
            }
        }

        return (options, null);
    }
}
