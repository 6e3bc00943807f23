using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Kube;
using KeepOperator.Operator.LoadBalancer;
using KeepOperator.Operator.Metrics;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Hosting;

/// <summary>
/// Wires informers (VirtualIp, Node, Secret, NodeAgentConfig, Pod, VirtualServerInformers' and LoadBalancerInformers') to the work queue and the reconcilers' workers.
/// A change only says which keys to look at again; what to do comes from the caches (level-triggered).
/// </summary>
public sealed class VirtualIpController
{
    private readonly OperatorOptions options;
    private readonly TimeProvider time;
    private readonly StructuredLog log;
    private readonly Informer<VirtualIp> virtualIps;
    private readonly Informer<V1Node> nodes;
    private readonly IReadOnlyList<Informer<V1Secret>> secrets;
    private readonly Informer<NodeAgentConfig> nodeConfigs;
    private readonly VirtualServerInformers virtualServers;
    private readonly Informer<V1Pod> pods;
    private readonly InformerClusterView view;
    private readonly WorkQueue<ReconcileKey> queue;
    private readonly Reconciler reconciler;
    private readonly LoadBalancerInformers loadBalancers;
    private readonly LoadBalancerReconciler loadBalancerReconciler;
    private readonly OperatorMetrics metrics;
    private readonly QueuedEventSink events;
    private long reconciles;

    public VirtualIpController(IKubernetes client, OperatorOptions options, TimeProvider time, StructuredLog log, OperatorMetrics metrics)
    {
        this.options = options;
        this.metrics = metrics;
        this.time = time;
        this.log = log;
        virtualIps = new(new CustomObjectSource<VirtualIp>(client, VirtualIp.Plural, ApiJsonContext.Default.VirtualIp, v => v.Metadata), log, time, options.WatchTimeout);
        nodes = new(BuiltinSources.Nodes(client), log, time, options.WatchTimeout);
        secrets = [.. options.WatchedSecretNamespaces.Select(ns => new Informer<V1Secret>(BuiltinSources.Secrets(client, ns), log, time, options.WatchTimeout))];
        nodeConfigs = new(new CustomObjectSource<NodeAgentConfig>(client, NodeAgentConfig.Plural, ApiJsonContext.Default.NodeAgentConfig, c => c.Metadata), log, time, options.WatchTimeout);
        pods = new(BuiltinSources.Pods(client), log, time, options.WatchTimeout);
        virtualServers = new VirtualServerInformers(client, log, time, options.WatchTimeout);
        view = new InformerClusterView(virtualIps, nodes, secrets, nodeConfigs, pods, virtualServers);
        loadBalancers = new LoadBalancerInformers(client, virtualServers.Services, virtualServers.EndpointSlices, virtualIps, virtualServers.VirtualServers, log, time, options.WatchTimeout);
        queue = new WorkQueue<ReconcileKey>(time);
        events = new QueuedEventSink(new EventRecorder(client, options.Namespace, options.Identity, time, log), EventQueueCapacity, log);
        loadBalancerReconciler = new LoadBalancerReconciler(
            loadBalancers, new LoadBalancerWriter(client, virtualIps, virtualServers.VirtualServers, virtualServers.Services, loadBalancers.Pools), events, time, options.DefaultLoadBalancerClass);
        reconciler = new Reconciler(
            view,
            new ClusterWriter(client, virtualIps, nodeConfigs, virtualServers.VirtualServers),
            events,
            new PlannerOptions(options.CordonedPriorityOffset, options.Namespace, options.WatchedSecretNamespaces),
            time,
            options.HeartbeatTimeout,
            keys =>
            {
                foreach (var key in keys)
                {
                    queue.Add(key);
                }
            });

        virtualIps.Changed += (old, updated) =>
        {
            queue.Add(ReconcileKey.VirtualIp((updated ?? old)!.Metadata.Name ?? ""));
            EnqueueVirtualServers(virtualServers.KeysOn((updated ?? old)!.Metadata.Name ?? "")); // they show its master
            if (PlanRelevance.Of(old) != PlanRelevance.Of(updated))
            {
                queue.Add(ReconcileKey.Plan); // VRIDs and conflicts span VirtualIps; the plan's diff says who is touched
            }
        };
        nodes.Changed += (old, updated) =>
        {
            queue.Add(ReconcileKey.Node((updated ?? old)!.Metadata.Name));
            if (PlanRelevance.Of(old) != PlanRelevance.Of(updated))
            {
                queue.Add(ReconcileKey.Plan); // cordon, preferred-master priorities and unicast peers are relative to the other nodes
            }
        };
        foreach (var informer in secrets)
        {
            informer.Changed += (old, updated) =>
            {
                if (PlanRelevance.Of(old) != PlanRelevance.Of(updated))
                {
                    queue.Add(ReconcileKey.Plan);
                }
            };
        }
        pods.Changed += (old, updated) =>
        {
            if (view.IsPlanInput(old, updated))
            {
                queue.Add(ReconcileKey.Plan); // a pods track's priorities and condition
            }
        };
        nodeConfigs.Changed += (old, updated) =>
        {
            var config = (updated ?? old)!;
            queue.Add(ReconcileKey.Node(config.Metadata.Name ?? ""));
            foreach (var instance in InstanceNames(old).Union(InstanceNames(updated), StringComparer.Ordinal))
            {
                queue.Add(ReconcileKey.VirtualIp(instance));
            }

            EnqueueVirtualServers(VirtualServerKeys(old).Union(VirtualServerKeys(updated), StringComparer.Ordinal));
            if (PlanRelevance.Of(old) != PlanRelevance.Of(updated))
            {
                queue.Add(ReconcileKey.Plan); // the routers its agent hears take VRIDs off the allocation
            }
        };
        virtualServers.VirtualServers.Changed += (old, updated) => queue.Add(ReconcileKey.VirtualServer(VirtualServerPlanner.Key((updated ?? old)!)));
        virtualServers.PlanInputChanged += () => queue.Add(ReconcileKey.Plan);
        loadBalancers.Changed += () => queue.Add(ReconcileKey.LoadBalancers);
    }

    /// <summary>Events waiting to be sent, at most; client-go's broadcaster keeps as many.</summary>
    public const int EventQueueCapacity = 1000;

    public long Reconciles => Interlocked.Read(ref reconciles);

    /// <summary>Keys waiting to be reconciled.</summary>
    public int QueueDepth => queue.Count;

    /// <summary>The per-VirtualIp and per-pool gauges, from the informers' caches.</summary>
    public ClusterGauges Gauges() => ClusterGauges.Of(((ILoadBalancerView)loadBalancers).VirtualIps(), ((ILoadBalancerView)loadBalancers).Pools());

    /// <summary>Lists of each kind so far (more than one means a relist, e.g. after 410 Expired).</summary>
    public int VirtualIpLists => virtualIps.Lists;

    public async Task RunAsync(CancellationToken stop)
    {
        using var informersStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var informers = new[] { virtualIps.RunAsync(informersStop.Token), nodes.RunAsync(informersStop.Token), nodeConfigs.RunAsync(informersStop.Token), pods.RunAsync(informersStop.Token) }
            .Concat(secrets.Select(s => s.RunAsync(informersStop.Token)))
            .Concat(virtualServers.Run(informersStop.Token)).Concat(loadBalancers.Run(informersStop.Token)).ToArray();
        try
        {
            await Task.WhenAll(secrets.Select(s => s.Synced).Append(virtualIps.Synced).Append(nodes.Synced).Append(nodeConfigs.Synced).Append(pods.Synced).Append(virtualServers.Synced).Append(loadBalancers.Synced)).WaitAsync(stop);
        }
        catch (OperationCanceledException)
        {
            await Task.WhenAll(informers);
            return;
        }

        log.Info("synced", ("virtualips", virtualIps.Items.Count), ("nodes", nodes.Items.Count), ("nodeagentconfigs", nodeConfigs.Items.Count));
        EnqueueEverything();
        using var resync = time.CreateTimer(_ => EnqueueStatuses(), null, options.ResyncPeriod, options.ResyncPeriod);
        using var grace = new CancellationTokenSource();
        var workers = Enumerable.Range(0, options.Workers).Select(_ => Task.Run(() => WorkAsync(grace.Token), CancellationToken.None)).ToArray();
        var sending = Task.Run(() => events.RunAsync(grace.Token), CancellationToken.None);

        await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);

        // SIGTERM or lost leadership: stop watching and taking keys, let in-flight reconciles finish (bounded).
        await informersStop.CancelAsync();
        queue.ShutDown();
        grace.CancelAfter(options.ShutdownGrace);
        await Task.WhenAll(workers);
        events.Complete(); // the Events of the last reconciles still go out, within the same grace
        await sending;
        await Task.WhenAll(informers);
        queue.Dispose();
        log.Info("controller_stopped", ("reconciles", Reconciles));
    }

    private async Task WorkAsync(CancellationToken grace)
    {
        while (true)
        {
            var (ok, key) = await queue.GetAsync(CancellationToken.None);
            if (!ok)
            {
                return;
            }

            var started = time.GetTimestamp();
            var failed = false;
            try
            {
                await (key.Kind == ReconcileKind.LoadBalancers ? loadBalancerReconciler.ReconcileAsync(grace) : reconciler.ReconcileAsync(key, grace));
                queue.Forget(key);
                Interlocked.Increment(ref reconciles);
            }
            catch (Exception e)
            {
                failed = true;
                log.Warn("reconcile_failed", ("key", key), ("failures", queue.Failures(key) + 1), ("error", e.Message));
                queue.AddRateLimited(key);
            }
            finally
            {
                metrics.Reconciled(key.Kind, time.GetElapsedTime(started), failed);
                queue.Done(key);
            }
        }
    }

    private void EnqueueEverything()
    {
        foreach (var node in view.NodeNames())
        {
            queue.Add(ReconcileKey.Node(node));
        }

        EnqueueStatuses();
    }

    private void EnqueueStatuses()
    {
        queue.Add(ReconcileKey.LoadBalancers);
        foreach (var name in view.VirtualIpNames())
        {
            queue.Add(ReconcileKey.VirtualIp(name));
        }

        EnqueueVirtualServers(virtualServers.Keys());
    }

    private void EnqueueVirtualServers(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            queue.Add(ReconcileKey.VirtualServer(key));
        }
    }

    private static IEnumerable<string> VirtualServerKeys(NodeAgentConfig? config) =>
        (config?.Spec.VirtualServers?.Select(v => ObjectKey.Of(v.Namespace, v.Name)) ?? [])
            .Concat(config?.Status?.VirtualServers?.Select(v => ObjectKey.Of(v.Namespace, v.Name)) ?? []);

    private static IEnumerable<string> InstanceNames(NodeAgentConfig? config) =>
        (config?.Spec.Instances.Select(i => i.Name) ?? []).Concat(config?.Status?.Instances?.Select(i => i.Name) ?? []);
}
