using System.Net;
using System.Threading.Channels;
using KeepOperator.Api;
using KeepOperator.Api.Logging;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Runs the virtual servers: keeps the health checker's checks equal to what the definitions need, and on every health
/// verdict or configuration change decides each virtual server's destinations (<see cref="VirtualServerHealthRule"/>) and
/// hands the whole desired table to the dataplane, which changes only what differs. Events are handled on one loop, in
/// order; a burst of them becomes one dataplane update. A configuration change leaves the checks (and the health) of
/// unchanged real servers as they are.
/// </summary>
public sealed class LoadBalancer
{
    private const string NotCheckedYet = "not checked yet";

    private readonly Channel<LoadBalancerEvent> _events = Channel.CreateUnbounded<LoadBalancerEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILoadBalancingDataplane _dataplane;
    private readonly IRealServerChecker _checker;
    private readonly Func<IReadOnlyList<LoadBalancedService>, IReadOnlyList<string>> _forwardingCheck;
    private readonly TimeProvider _time;
    private readonly StructuredLog _log;
    private readonly Dictionary<string, bool> _quorumUp = new(StringComparer.Ordinal);
    private readonly HashSet<string> _healthChanged = new(StringComparer.Ordinal); // virtual servers to decide again
    private IReadOnlyList<VirtualServerDefinition> _definitions = [];
    private Dictionary<(string VirtualServer, IPEndPoint Target), CheckState> _health = [];
    private VirtualServerDecision[] _decisions = [];
    private IReadOnlyList<VirtualServerDefinition>? _decidedFor;
    private Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _forwardingProblems = [];
    private HashSet<string> _notes = [];
    private bool _dirty;
    private bool _programmed;
    private long _publishedAt;
    private bool _refreshPending;
    private volatile LoadBalancerStatus _status = LoadBalancerStatus.Empty;

    /// <param name="forwardingCheck">Explains which NAT virtual servers IP forwarding breaks (<see cref="IpForwardingCheck.Check"/> on the host).</param>
    public LoadBalancer(ILoadBalancingDataplane dataplane, IRealServerChecker checker, Func<IReadOnlyList<LoadBalancedService>, IReadOnlyList<string>> forwardingCheck, TimeProvider time, StructuredLog log)
    {
        _dataplane = dataplane;
        _checker = checker;
        _forwardingCheck = forwardingCheck;
        _time = time;
        _log = log;
    }

    /// <summary>How long to wait before trying again after the dataplane refused an update.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How stale the check times and messages in <see cref="Status"/> may get: with thousands of real servers checked
    /// every second, rebuilding the status for each finished check would cost more than the checks.
    /// </summary>
    public TimeSpan StatusRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Raised on the loop after a health change, a configuration change or a change of the forwarding problems.</summary>
    public event Action? Changed;

    /// <summary>The latest status; safe from any thread.</summary>
    public LoadBalancerStatus Status => _status;

    /// <summary>The virtual servers to run from now on (those of the VirtualIps this node runs); safe from any thread.</summary>
    public void SetVirtualServers(IReadOnlyList<VirtualServerDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        Post(new LoadBalancerEvent.Configure([.. definitions]));
    }

    /// <summary>Handles events until <paramref name="stop"/>; then removes what the dataplane programmed.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        _checker.HealthChanged += OnHealthChanged;
        _checker.Checked += OnChecked;
        try
        {
            while (true)
            {
                try
                {
                    await _events.Reader.WaitToReadAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                bool changed = false;
                while (_events.Reader.TryRead(out var e))
                {
                    changed |= Handle(e);
                }

                if (_dirty)
                {
                    changed |= await UpdateDataplaneAsync(stop).ConfigureAwait(false);
                }

                if (changed || _time.GetElapsedTime(_publishedAt) >= StatusRefresh)
                {
                    Publish();
                }
                else if (!_refreshPending)
                {
                    _refreshPending = true;
                    _ = PostLaterAsync(StatusRefresh - _time.GetElapsedTime(_publishedAt), new LoadBalancerEvent.Refresh(), stop);
                }

                if (changed)
                {
                    Changed?.Invoke();
                }
            }
        }
        finally
        {
            _checker.HealthChanged -= OnHealthChanged;
            _checker.Checked -= OnChecked;
        }

        // A configuration that arrived while stopping still names what to remove.
        while (_events.Reader.TryRead(out var pending))
        {
            Handle(pending);
        }

        if (_programmed || _definitions.Count > 0)
        {
            try
            {
                await _dataplane.RemoveAsync(_definitions.Select(d => d.Key).ToList(), CancellationToken.None).ConfigureAwait(false);
                _log.Info("virtualservers-removed", ("dataplane", DataplaneSelector.Name(_dataplane.Kind)));
            }
            catch (Exception ex) when (IsDataplaneFailure(ex))
            {
                _log.Error("dataplane-failed", ("dataplane", DataplaneSelector.Name(_dataplane.Kind)), ("error", ex.Message));
            }
        }
    }

    private void OnHealthChanged(RealServerHealthChange change) => Post(new LoadBalancerEvent.Verdict(change));

    private void OnChecked(RealServerCheck check, DateTimeOffset at) => Post(new LoadBalancerEvent.Checked(check, at));

    private void Post(LoadBalancerEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Applies one event to the loop's state; true when the status changed in a way worth reporting now.</summary>
    private bool Handle(LoadBalancerEvent e)
    {
        switch (e)
        {
            case LoadBalancerEvent.Configure c:
                Configure(c.Definitions);
                return true;
            case LoadBalancerEvent.Verdict { Change: var v } when _health.TryGetValue((v.VirtualServer, v.RealServer), out var state):
                _health[(v.VirtualServer, v.RealServer)] = state with { Healthy = v.Healthy, Message = v.Message, LastCheck = v.At };
                if (state.Healthy == v.Healthy)
                {
                    return false;
                }

                LogHealth(v);
                _healthChanged.Add(v.VirtualServer);
                _dirty = true;
                return true;
            case LoadBalancerEvent.Checked { Check: var check, At: var at } when _health.TryGetValue((check.VirtualServer, check.RealServer), out var state)
                && state.Check.Equals(check):
                _health[(check.VirtualServer, check.RealServer)] = state with { LastCheck = at };
                return false;
            case LoadBalancerEvent.Retry:
                _dirty = true;
                return false;
            case LoadBalancerEvent.Refresh:
                _refreshPending = false;
                return false;
            default:
                return false; // a check that was removed meanwhile
        }
    }

    private void Configure(IReadOnlyList<VirtualServerDefinition> definitions)
    {
        var before = _definitions.ToDictionary(d => d.DisplayName, StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            if (!before.Remove(definition.DisplayName, out var old))
            {
                _log.Info("virtualserver", ("vs", definition.DisplayName), ("action", "added"), ("service", definition.Key), ("real_servers", definition.Server.RealServers.Count));
            }
            else if (old != definition)
            {
                _log.Info("virtualserver", ("vs", definition.DisplayName), ("action", "changed"), ("service", definition.Key), ("real_servers", definition.Server.RealServers.Count));
                _quorumUp.Remove(definition.DisplayName);
            }
            else
            {
                continue;
            }

            if (Refusal(definition) is { } refusal)
            {
                _log.Warn("virtualserver-refused", ("vs", definition.DisplayName), ("service", definition.Key), ("reason", refusal));
            }
        }

        foreach (var removed in before.Keys)
        {
            _log.Info("virtualserver", ("vs", removed), ("action", "removed"));
            _quorumUp.Remove(removed);
        }

        var checks = RealServerCheckFactory.Build([.. definitions.Where(d => Refusal(d) is null)]);
        var health = new Dictionary<(string, IPEndPoint), CheckState>(checks.Count);
        foreach (var check in checks)
        {
            var key = (check.VirtualServer, check.RealServer);
            health[key] = _health.TryGetValue(key, out var state) && state.Check.Equals(check)
                ? state
                : new CheckState(check, !check.Policy.Alpha, NotCheckedYet, null);
        }

        _definitions = definitions;
        _positions = definitions.Select((d, i) => (d.DisplayName, i)).ToDictionary(p => p.DisplayName, p => p.i, StringComparer.Ordinal);
        _health = health;
        _checker.UpdateChecks(checks);
        _dirty = true;
    }

    /// <summary>Decides every virtual server and hands the table to the dataplane; true when the forwarding problems changed.</summary>
    private async Task<bool> UpdateDataplaneAsync(CancellationToken stop)
    {
        _dirty = false;
        if (ReferenceEquals(_decidedFor, _definitions))
        {
            // Only the virtual servers whose health changed are decided again: the others keep their service objects,
            // which the dataplane skips with a reference comparison.
            foreach (var name in _healthChanged)
            {
                if (_positions.TryGetValue(name, out var v))
                {
                    _decisions[v] = Decide(_definitions[v]);
                }
            }
        }
        else
        {
            _decisions = [.. _definitions.Select(Decide)];
            _decidedFor = _definitions;
        }

        _healthChanged.Clear();
        var desired = _decisions.Where((_, i) => Refusal(_definitions[i]) is null).Select(d => d.Server).ToList();
        if (desired.Count == 0 && !_programmed)
        {
            return false; // a node without virtual servers gets no dataplane state at all
        }

        try
        {
            _programmed = true;
            var notes = await _dataplane.ApplyAsync(desired, stop).ConfigureAwait(false);
            foreach (var note in notes.Where(n => !_notes.Contains(n)))
            {
                _log.Warn("dataplane-note", ("dataplane", DataplaneSelector.Name(_dataplane.Kind)), ("message", note));
            }

            _notes = [.. notes];
        }
        catch (Exception ex) when (IsDataplaneFailure(ex) || ex is OperationCanceledException && !stop.IsCancellationRequested)
        {
            _log.Error("dataplane-failed", ("dataplane", DataplaneSelector.Name(_dataplane.Kind)), ("error", ex.Message), ("retry_in", GoDuration.Format(RetryInterval)));
            _ = PostLaterAsync(RetryInterval, new LoadBalancerEvent.Retry(), stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        // nftables forwards every virtual server by NAT; IPVS only those with NAT real servers.
        var nat = _dataplane.Kind == DataplaneKind.Nftables
            ? desired
            : desired.Where(s => s.Destinations.Any(d => d.ForwardingMethod == PacketForwarding.Masquerade)).ToList();
        var problems = _forwardingCheck(nat);
        if (problems.SequenceEqual(_forwardingProblems))
        {
            return false;
        }

        foreach (var problem in problems)
        {
            _log.Warn("ip-forwarding", ("message", problem));
        }

        _forwardingProblems = problems;
        return true;
    }

    private string? Refusal(VirtualServerDefinition definition) => ForwardingSupport.Refusal(_dataplane.Kind, definition.Forwarding);

    private VirtualServerDecision Decide(VirtualServerDefinition definition)
    {
        var healthy = definition.Server.RealServers.Select(r => StateOf(definition, r)?.Healthy ?? true).ToList();
        bool? wasUp = _quorumUp.TryGetValue(definition.DisplayName, out var up) ? up : null;
        var decision = VirtualServerHealthRule.Decide(definition, healthy, wasUp);
        if (wasUp is { } previous && previous != decision.QuorumUp)
        {
            _log.Info("quorum", ("vs", definition.DisplayName), ("up", decision.QuorumUp ? "true" : "false"), ("sorry_server", decision.SorryServerActive ? definition.Server.SorryServer?.ToString() : null));
        }

        _quorumUp[definition.DisplayName] = decision.QuorumUp;
        return decision;
    }

    private CheckState? StateOf(VirtualServerDefinition definition, RealServerSettings server) =>
        definition.Server.HealthCheck is { } spec && _health.TryGetValue((definition.DisplayName, RealServerCheckFactory.Target(server, spec)), out var state) ? state : null;

    /// <summary>One line per real server whose health the verdict changed (servers sharing a check target share it).</summary>
    private void LogHealth(RealServerHealthChange change)
    {
        foreach (var definition in _definitions.Where(d => d.DisplayName == change.VirtualServer && d.Server.HealthCheck is not null))
        {
            foreach (var server in definition.Server.RealServers.Where(r => RealServerCheckFactory.Target(r, definition.Server.HealthCheck!).Equals(change.RealServer)))
            {
                var fields = new (string, object?)[] { ("vs", definition.DisplayName), ("rs", server), ("healthy", change.Healthy ? "true" : "false"), ("reason", change.Message) };
                if (change.Healthy)
                {
                    _log.Info("realserver", fields);
                }
                else
                {
                    _log.Warn("realserver", fields);
                }
            }
        }
    }

    private async Task PostLaterAsync(TimeSpan delay, LoadBalancerEvent e, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            Post(e);
        }
        catch (OperationCanceledException)
        {
            // stopping: nothing left to do
        }
    }

    private void Publish()
    {
        var servers = new List<NodeVirtualServerStatus>(_definitions.Count);
        for (var v = 0; v < _definitions.Count; v++)
        {
            var definition = _definitions[v];
            if (Refusal(definition) is { } refusal)
            {
                servers.Add(new NodeVirtualServerStatus { Namespace = definition.Server.Namespace, Name = definition.Server.Name, Refused = refusal });
                continue;
            }

            var decision = ReferenceEquals(_decidedFor, _definitions) ? _decisions[v] : null;
            var realServers = new List<RealServerStatus>(definition.Server.RealServers.Count);
            for (var i = 0; i < definition.Server.RealServers.Count; i++)
            {
                var server = definition.Server.RealServers[i];
                var state = StateOf(definition, server);
                realServers.Add(new RealServerStatus
                {
                    Address = server.Address.ToString(),
                    Port = server.Port == 0 ? null : server.Port,
                    Healthy = state?.Healthy ?? true,
                    Weight = decision?.Weights[i] ?? 0,
                    LastCheckTime = state?.LastCheck,
                    Message = state is null ? "no health check" : state.Message,
                });
            }

            servers.Add(new NodeVirtualServerStatus { Namespace = definition.Server.Namespace, Name = definition.Server.Name, RealServers = realServers });
        }

        _status = new LoadBalancerStatus(servers, _forwardingProblems);
        _publishedAt = _time.GetTimestamp();
    }

    private static bool IsDataplaneFailure(Exception ex) =>
        ex is NftablesException or IOException or InvalidOperationException or ArgumentException or FormatException or TimeoutException;

    /// <summary>One real-server check target's health as the loop knows it.</summary>
    private sealed record CheckState(RealServerCheck Check, bool Healthy, string Message, DateTimeOffset? LastCheck);

    private abstract record LoadBalancerEvent
    {
        public sealed record Configure(IReadOnlyList<VirtualServerDefinition> Definitions) : LoadBalancerEvent;

        public sealed record Verdict(RealServerHealthChange Change) : LoadBalancerEvent;

        public sealed record Checked(RealServerCheck Check, DateTimeOffset At) : LoadBalancerEvent;

        public sealed record Retry : LoadBalancerEvent;

        public sealed record Refresh : LoadBalancerEvent;
    }
}
