using k8s;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Kube;
using KeepOperator.Operator.Metrics;

namespace KeepOperator.Operator.Hosting;

/// <summary>The operator process: leader election around the controller; one controller per term as leader.</summary>
public sealed class OperatorRunner(IKubernetes client, OperatorOptions options, TimeProvider time, StructuredLog log)
{
    private readonly LeaseLeaderElection election = new(
        client,
        new LeaderElectionSettings(options.Namespace, options.LeaseName, options.Identity, options.LeaseDuration, options.RenewDeadline, options.RetryPeriod),
        log);

    private long reconcilesOfEndedTerms;
    private VirtualIpController? current;

    public bool IsLeading => election.IsLeading;

    /// <summary>This process' metrics (served on --metrics-address by <see cref="OperatorCli"/>).</summary>
    public OperatorMetrics Metrics { get; } = new();

    /// <summary>Keys reconciled by this process, all terms together.</summary>
    public long Reconciles => Interlocked.Read(ref reconcilesOfEndedTerms) + (current?.Reconciles ?? 0);

    /// <summary>The controller of the current term (null when not leading).</summary>
    public VirtualIpController? Controller => current;

    public Task RunAsync(CancellationToken shutdown)
    {
        Metrics.Track(() => IsLeading, () => current?.QueueDepth ?? 0, () => current?.Gauges() ?? ClusterGauges.Empty);
        return election.RunAsync(LeadAsync, shutdown);
    }

    private async Task LeadAsync(CancellationToken leading)
    {
        var controller = new VirtualIpController(client, options, time, log, Metrics);
        current = controller;
        try
        {
            await controller.RunAsync(leading);
        }
        finally
        {
            Interlocked.Add(ref reconcilesOfEndedTerms, controller.Reconciles);
            current = null;
        }
    }
}
