using KeepOperator.Api.Metrics;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Prometheus;

namespace KeepOperator.Operator.Metrics;

/// <summary>
/// The operator's Prometheus metrics, named like controller-runtime's (prefix keepoperator_operator_): reconcile
/// duration and errors per key kind, the work queue's depth and whether this replica leads. Depth and leadership are
/// read at each scrape from the sources given to <see cref="Track"/>, so nothing on the hot path keeps them current.
/// </summary>
public sealed class OperatorMetrics
{
    private readonly Dictionary<ReconcileKind, Histogram.Child> _duration = [];
    private readonly Dictionary<ReconcileKind, Counter.Child> _errors = [];
    private readonly Gauge _queueDepth;
    private readonly Gauge _leader;
    private volatile Func<bool> _isLeading = () => false;
    private volatile Func<int> _depth = () => 0;
    private volatile Func<ClusterGauges> _cluster = () => ClusterGauges.Empty;
    private readonly Gauge _masters;
    private readonly Gauge _splitBrain;
    private readonly Gauge _poolSize;
    private readonly Gauge _poolUsed;

    public OperatorMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        // process_* (CPU, resident memory, threads, start time) and dotnet_* (GC): read at scrape time only.
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        var duration = factory.CreateHistogram(MetricNames.ReconcileDuration, "How long reconciling one work-queue key took, failures included.", "kind");
        var errors = factory.CreateCounter(MetricNames.ReconcileErrors, "Reconciles that failed (the key is retried after its backoff).", "kind");
        // Every kind from the start, so the first error is an increase from 0 rather than a new series.
        foreach (var kind in Enum.GetValues<ReconcileKind>())
        {
            _duration[kind] = duration.WithLabels(MetricLabel.SnakeCase(kind));
            _errors[kind] = errors.WithLabels(MetricLabel.SnakeCase(kind));
        }
        _queueDepth = factory.CreateGauge(MetricNames.WorkQueueDepth, "Keys waiting in the work queue (0 while not leading).");
        _leader = factory.CreateGauge(MetricNames.Leader, "1 while this replica holds the leader Lease and reconciles, else 0.");
        _masters = factory.CreateGauge(MetricNames.VirtualIpMasters, "Nodes reporting Master for the VirtualIp (more than 1: split brain).", "virtualip");
        _splitBrain = factory.CreateGauge(MetricNames.VirtualIpSplitBrain, "1 while the VirtualIp is split (two nodes report Master, or a master hears another master's adverts).", "virtualip");
        _poolSize = factory.CreateGauge(MetricNames.PoolAddresses, "Addresses in the VirtualIpPool, by family.", "pool", "family");
        _poolUsed = factory.CreateGauge(MetricNames.PoolAddressesUsed, "Addresses of the VirtualIpPool in use, by family.", "pool", "family");
        Registry.AddBeforeCollectCallback(() =>
        {
            _leader.Set(_isLeading() ? 1 : 0);
            _queueDepth.Set(_depth());
            SetCluster(_cluster());
        });
    }

    /// <summary>What /metrics serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Where each scrape reads leadership, the work queue's depth and the objects' gauges from.</summary>
    public void Track(Func<bool> isLeading, Func<int> queueDepth, Func<ClusterGauges> cluster)
    {
        _isLeading = isLeading;
        _depth = queueDepth;
        _cluster = cluster;
    }

    /// <summary>Replaces the per-object series whole: a deleted VirtualIp or pool leaves no series behind.</summary>
    private void SetCluster(ClusterGauges gauges)
    {
        foreach (var gauge in new[] { _masters, _splitBrain, _poolSize, _poolUsed })
        {
            foreach (var labels in gauge.GetAllLabelValues().ToList())
            {
                gauge.RemoveLabelled(labels);
            }
        }
        foreach (var (name, masters, split) in gauges.VirtualIps)
        {
            _masters.WithLabels(name).Set(masters);
            _splitBrain.WithLabels(name).Set(split ? 1 : 0);
        }
        foreach (var (pool, family, size, used) in gauges.Pools)
        {
            _poolSize.WithLabels(pool, family).Set(size);
            _poolUsed.WithLabels(pool, family).Set(used);
        }
    }

    public void Reconciled(ReconcileKind kind, TimeSpan duration, bool failed)
    {
        _duration[kind].Observe(duration.TotalSeconds);
        if (failed)
        {
            _errors[kind].Inc();
        }
    }
}
