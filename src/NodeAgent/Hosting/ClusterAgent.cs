using KeepOperator.Api.Logging;
using System.Threading.Channels;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// Cluster mode: keeps the event loop's instances equal to what this node's NodeAgentConfig asks for, and reports
/// their state back into its status. Only a successful read of the object changes the instances (a deleted object
/// stops them all); while the API server is unreachable the loop keeps running the last configuration.
/// </summary>
public sealed class ClusterAgent
{
    private readonly KubeApiClient _client;
    private readonly VrrpAgent _agent;
    private readonly string _nodeName;
    private readonly IInterfaceAddresses _hostAddresses;
    private readonly TimeProvider _time;
    private readonly StructuredLog _log;
    private readonly NodeStatusReporter _reporter;
    private readonly Channel<bool> _configChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, VrrpInstanceSettings> _running = new(StringComparer.Ordinal);
    private volatile Applied _applied = new([], new Dictionary<string, string>(), null);
    private volatile Read? _latest;

    /// <param name="hostAddresses">Only for listing this host's addresses (off the loop: not the loop's netlink socket).</param>
    public ClusterAgent(KubeApiClient client, VrrpAgent agent, string nodeName, IInterfaceAddresses hostAddresses, TimeProvider time, StructuredLog log)
    {
        _client = client;
        _agent = agent;
        _nodeName = nodeName;
        _hostAddresses = hostAddresses;
        _time = time;
        _log = log;
        _reporter = new NodeStatusReporter(client, nodeName, BuildStatus, time, log);
        agent.InstancesChanged += _reporter.Notify;
    }

    /// <summary>How long to wait before applying again a configuration whose Secrets could not be read.</summary>
    public TimeSpan ApplyRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The status as it would be reported now.</summary>
    public NodeAgentConfigStatus BuildStatus()
    {
        var applied = _applied;
        return NodeStatusBuilder.Build(applied.Names, _agent.Snapshots, applied.Errors, applied.Generation, _time.GetUtcNow());
    }

    /// <summary>Watches, applies and reports until <paramref name="stop"/>; the loop itself is run (and stopped) by the caller.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var watcher = new NodeConfigWatcher(_client, _nodeName, _time, _log);
        var watching = watcher.RunAsync(OnReadAsync, stop);
        var applying = ApplyLoopAsync(stop);
        var reporting = _reporter.RunAsync(stop);
        await Task.WhenAll(watching, applying, reporting).ConfigureAwait(false);
    }

    /// <summary>One last status after the loop stopped every instance, bounded: shutdown must not hang on the API.</summary>
    public async Task ReportFinalAsync(TimeSpan timeout)
    {
        using var bounded = new CancellationTokenSource(timeout);
        await _reporter.TryPatchAsync(NodeConfigWatcher.ObjectPath(_nodeName) + "/status", bounded.Token).ConfigureAwait(false);
    }

    private Task OnReadAsync(NodeAgentConfig? config)
    {
        _latest = new Read(config);
        _configChanged.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    private async Task ApplyLoopAsync(CancellationToken stop)
    {
        Read? pending = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (pending is null)
                {
                    await _configChanged.Reader.ReadAsync(stop).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(ApplyRetryInterval, _time, stop).ConfigureAwait(false);
                    _configChanged.Reader.TryRead(out _);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pending = _latest;
            if (pending is not null && await TryApplyAsync(pending.Config, stop).ConfigureAwait(false))
            {
                pending = null;
            }
        }
    }

    /// <summary>False when a Secret could not be read (the API failed): nothing changed, try again later.</summary>
    private async Task<bool> TryApplyAsync(NodeAgentConfig? config, CancellationToken stop)
    {
        if (config is null)
        {
            if (_running.Count > 0)
            {
                _log.Info("kube-config-deleted", ("node", _nodeName), ("stopping", _running.Count));
            }
            Apply(new ClusterInstances([], [], new Dictionary<string, string>()), null);
            return true;
        }

        Dictionary<(string, string, string), string?> secrets;
        try
        {
            secrets = await ReadSecretsAsync(config, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or KubeApiException or IOException or FormatException or OperationCanceledException && !stop.IsCancellationRequested)
        {
            _log.Warn("kube-secret-failed", ("node", _nodeName), ("error", ex.Message), ("retry_in", GoDuration.Format(ApplyRetryInterval)));
            return false;
        }

        var wanted = ClusterInstanceResolver.Resolve(config, _nodeName, _hostAddresses.List(),
            r => secrets.GetValueOrDefault((r.Namespace ?? "", r.Name ?? "", r.Key ?? "")));
        foreach (var (name, error) in wanted.Errors)
        {
            if (!_applied.Errors.TryGetValue(name, out var before) || before != error)
            {
                _log.Error("config", ("instance", name), ("message", error));
            }
        }
        Apply(wanted, config.Metadata.Generation);
        return true;
    }

    private void Apply(ClusterInstances wanted, long? generation)
    {
        var diff = InstanceSetDiff.Compute(_running, wanted.Settings);
        foreach (var name in diff.Removed)
        {
            _agent.RemoveInstance(name);
            _running.Remove(name);
        }
        foreach (var s in diff.Restarted.Concat(diff.PriorityChanged))
        {
            _agent.UpdateInstance(s);
            _running[s.Name] = s;
        }
        foreach (var s in diff.Added)
        {
            _agent.AddInstance(s);
            _running[s.Name] = s;
        }
        _applied = new Applied(wanted.Names, wanted.Errors, generation);
        if (!diff.IsEmpty)
        {
            _log.Info("kube-config-applied", ("node", _nodeName), ("generation", generation), ("added", diff.Added.Count), ("removed", diff.Removed.Count),
                ("restarted", diff.Restarted.Count), ("priority_changed", diff.PriorityChanged.Count));
        }
        _reporter.Notify();
    }

    /// <summary>
    /// Every passwordSecretRef's value (null: the Secret or key does not exist, a configuration error). A transport or
    /// server error throws instead: that is not an answer, and must not stop an instance.
    /// </summary>
    private async Task<Dictionary<(string, string, string), string?>> ReadSecretsAsync(NodeAgentConfig config, CancellationToken stop)
    {
        var values = new Dictionary<(string, string, string), string?>();
        foreach (var instance in config.Spec.Instances)
        {
            if (instance.Spec.Authentication?.PasswordSecretRef is { Namespace: { } ns, Name: { } name, Key: { } key } && !values.ContainsKey((ns, name, key)))
            {
                values[(ns, name, key)] = await _client.GetSecretValueAsync(ns, name, key, stop).ConfigureAwait(false);
            }
        }
        return values;
    }

    /// <summary>What the last applied configuration said, for the status (replaced as a whole: read from other threads).</summary>
    private sealed record Applied(IReadOnlyList<string> Names, IReadOnlyDictionary<string, string> Errors, long? Generation);

    /// <summary>One successful read: the object, or null when it does not exist.</summary>
    private sealed record Read(NodeAgentConfig? Config);
}
