using System.Net;
using System.Threading.Channels;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Logging;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// Cluster mode: keeps the event loop's instances and the load balancer's virtual servers equal to what this node's
/// NodeAgentConfig asks for, and reports their state back into its status. Only a successful read of the object changes the instances (a deleted object
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
    private readonly LoadBalancingContext? _loadBalancing;
    private readonly Channel<bool> _configChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, VrrpInstanceSettings> _running = new(StringComparer.Ordinal);
    private volatile Applied _applied = new([], new Dictionary<string, string>(), new Dictionary<string, string>(), null);
    private volatile Read? _latest;

    /// <param name="hostAddresses">Only for listing this host's addresses (off the loop: not the loop's netlink socket).</param>
    /// <param name="loadBalancing">Runs spec.virtualServers; null: they are ignored.</param>
    public ClusterAgent(KubeApiClient client, VrrpAgent agent, string nodeName, IInterfaceAddresses hostAddresses, TimeProvider time, StructuredLog log,
        LoadBalancingContext? loadBalancing = null)
    {
        _loadBalancing = loadBalancing;
        _client = client;
        _agent = agent;
        _nodeName = nodeName;
        _hostAddresses = hostAddresses;
        _time = time;
        _log = log;
        _reporter = new NodeStatusReporter(client, nodeName, BuildStatus, time, log);
        agent.InstancesChanged += _reporter.Notify;
        if (loadBalancing is not null)
        {
            loadBalancing.Balancer.Changed += _reporter.Notify;
        }
    }

    /// <summary>How long to wait before applying again a configuration whose Secrets could not be read.</summary>
    public TimeSpan ApplyRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The status as it would be reported now.</summary>
    public NodeAgentConfigStatus BuildStatus()
    {
        var applied = _applied;
        return NodeStatusBuilder.Build(applied.Names, _agent.Snapshots, applied.Errors, applied.Generation, _time.GetUtcNow(),
            _loadBalancing?.Balancer.Status, _loadBalancing?.Dataplane, _loadBalancing?.KubeProxyWarning, applied.VirtualServerErrors,
            _agent.ForeignRouters());
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
        await _reporter.TryPatchAsync(NodeConfigSource.ObjectPath(_nodeName) + "/status", bounded.Token).ConfigureAwait(false);
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
            Apply(new ClusterInstances([], [], new Dictionary<string, string>()), [], new Dictionary<string, string>(StringComparer.Ordinal), null);
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

        var wanted = ClusterInstanceResolver.Resolve(config, _hostAddresses.List(),
            r => secrets.GetValueOrDefault((r.Namespace ?? "", r.Name ?? "", r.Key ?? "")));
        foreach (var (name, error) in wanted.Errors)
        {
            if (!_applied.Errors.TryGetValue(name, out var before) || before != error)
            {
                _log.Error("config", ("instance", name), ("message", error));
            }
        }
        var servers = config.Spec.VirtualServers ?? [];
        var virtualServers = ResolveVirtualServers(servers, config.Spec.Instances, wanted);
        var virtualServerErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (index, error) in virtualServers.Errors)
        {
            var name = VirtualServerInstance.DisplayNameOf(servers[index].Namespace, servers[index].Name);
            virtualServerErrors[name] = virtualServerErrors.TryGetValue(name, out var earlier) ? $"{earlier}; {error}" : error.ToString();
        }
        foreach (var (index, error) in virtualServers.Errors)
        {
            // Compared as the whole set of a server's errors, so one with several is not logged again on every apply.
            var name = VirtualServerInstance.DisplayNameOf(servers[index].Namespace, servers[index].Name);
            if (!_applied.VirtualServerErrors.TryGetValue(name, out var before) || before != virtualServerErrors[name])
            {
                _log.Error("config", ("vs", name), ("message", error));
            }
        }
        Apply(wanted, virtualServers.Definitions, virtualServerErrors, config.Metadata.Generation);
        return true;
    }

    /// <summary>
    /// The virtual servers of the VirtualIps this node runs, and the static ones; those of a VirtualIp that failed to start
    /// are left out (that failure is reported already), one that names no VirtualIp of this node is an error.
    /// </summary>
    private static VirtualServerSetResolution ResolveVirtualServers(List<VirtualServerInstance> servers, List<VrrpInstance> instances, ClusterInstances wanted)
    {
        var running = wanted.Settings.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var virtualIps = instances.Where(i => running.Contains(i.Name))
            .ToDictionary(i => i.Name, i => (IReadOnlyList<IPAddress>)[.. i.Addresses.Select(a => a.Address)], StringComparer.Ordinal);
        var configured = instances.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var kept = servers.Select((s, i) => (Server: s, Index: i))
            .Where(x => x.Server.VirtualIp is not { } vip || virtualIps.ContainsKey(vip) || !configured.Contains(vip))
            .ToList();
        var resolution = VirtualServerSetResolver.Resolve([.. kept.Select(x => x.Server)], virtualIps);
        return resolution with { Errors = [.. resolution.Errors.Select(e => (kept[e.Index].Index, e.Error))] };
    }

    private void Apply(ClusterInstances wanted, IReadOnlyList<VirtualServerDefinition> virtualServers, Dictionary<string, string> virtualServerErrors, long? generation)
    {
        var diff = InstanceSetDiff.Compute(_running, wanted.Settings);
        foreach (var name in diff.Removed)
        {
            _agent.RemoveInstance(name);
            _running.Remove(name);
        }
        foreach (var s in diff.Restarted.Concat(diff.Adjusted))
        {
            _agent.UpdateInstance(s);
            _running[s.Name] = s;
        }
        foreach (var s in diff.Added)
        {
            _agent.AddInstance(s);
            _running[s.Name] = s;
        }
        _loadBalancing?.Balancer.SetVirtualServers(virtualServers);
        _applied = new Applied(wanted.Names, wanted.Errors, virtualServerErrors, generation);
        if (!diff.IsEmpty)
        {
            _log.Info("kube-config-applied", ("node", _nodeName), ("generation", generation), ("added", diff.Added.Count), ("removed", diff.Removed.Count),
                ("restarted", diff.Restarted.Count), ("adjusted", diff.Adjusted.Count));
        }
        _reporter.Notify();
    }

    /// <summary>
    /// Every passwordSecretRef's and urlSecretRef's value (null: the Secret or key does not exist, a configuration error). A transport or
    /// server error throws instead: that is not an answer, and must not stop an instance.
    /// </summary>
    private async Task<Dictionary<(string, string, string), string?>> ReadSecretsAsync(NodeAgentConfig config, CancellationToken stop)
    {
        var values = new Dictionary<(string, string, string), string?>();
        var references = config.Spec.Instances.SelectMany(i => (i.Webhooks ?? []).Select(w => w.UrlSecretRef).Prepend(i.PasswordSecretRef));
        foreach (var reference in references)
        {
            if (reference is { Namespace: { } ns, Name: { } name, Key: { } key } && !values.ContainsKey((ns, name, key)))
            {
                values[(ns, name, key)] = await _client.GetSecretValueAsync(ns, name, key, stop).ConfigureAwait(false);
            }
        }
        return values;
    }

    /// <summary>What the last applied configuration said, for the status (replaced as a whole: read from other threads).</summary>
    private sealed record Applied(IReadOnlyList<string> Names, IReadOnlyDictionary<string, string> Errors, IReadOnlyDictionary<string, string> VirtualServerErrors, long? Generation);

    /// <summary>One successful read: the object, or null when it does not exist.</summary>
    private sealed record Read(NodeAgentConfig? Config);
}
