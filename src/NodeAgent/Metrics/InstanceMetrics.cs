using System.Globalization;
using KeepOperator.Api.Metrics;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Vrrp;
using Prometheus;

namespace KeepOperator.NodeAgent.Metrics;

/// <summary>
/// One VRRP instance's series, bound to its labels once so the event loop's per-packet calls are a counter increment.
/// Every series a scraper may alert on exists from the start (at 0), so the first drop or transition is a visible
/// increase rather than a new series. Called from the event loop only.
/// </summary>
public sealed class InstanceMetrics
{
    private readonly AgentMetrics _metrics;
    private readonly string _vip;
    private readonly Dictionary<VrrpState, Gauge.Child> _state = [];
    private readonly Dictionary<VrrpDropReason, Counter.Child> _dropped = [];
    private readonly Dictionary<(VrrpState, VrrpState), Counter.Child> _transitions = [];
    private readonly Counter.Child _sent;
    private readonly Counter.Child _received;
    private readonly Gauge.Child _priority;

    internal InstanceMetrics(AgentMetrics metrics, VrrpInstanceSettings settings)
    {
        _metrics = metrics;
        _vip = settings.Name;
        var vrid = settings.Router.VirtualRouterId.ToString(CultureInfo.InvariantCulture);
        foreach (var state in Enum.GetValues<VrrpState>())
        {
            _state[state] = metrics.State.WithLabels(_vip, settings.InterfaceName, vrid, MetricLabel.SnakeCase(state));
        }
        foreach (var reason in Enum.GetValues<VrrpDropReason>().Where(r => r != VrrpDropReason.None))
        {
            _dropped[reason] = metrics.PacketsDropped.WithLabels(_vip, MetricLabel.SnakeCase(reason));
        }
        _sent = metrics.AdvertsSent.WithLabels(_vip);
        _received = metrics.AdvertsReceived.WithLabels(_vip);
        _priority = metrics.EffectivePriority.WithLabels(_vip);
        SetState(VrrpState.Initialize);
        _priority.Set(settings.Router.Priority);
    }

    public void AdvertSent() => _sent.Inc();

    public void AdvertReceived() => _received.Inc();

    public void PacketDropped(VrrpDropReason reason) => _dropped[reason].Inc();

    public void EffectivePriority(byte priority) => _priority.Set(priority);

    public void Transition(VrrpState from, VrrpState to)
    {
        if (!_transitions.TryGetValue((from, to), out var counter))
        {
            counter = _metrics.Transitions.WithLabels(_vip, MetricLabel.SnakeCase(from), MetricLabel.SnakeCase(to));
            _transitions[(from, to)] = counter;
        }
        counter.Inc();
        SetState(to);
    }

    /// <summary>The instance stopped: its series leave the scrape (a restarted instance starts them again from 0).</summary>
    public void Remove()
    {
        foreach (var child in _state.Values.Concat<ChildBase>(_dropped.Values).Concat(_transitions.Values).Append(_sent).Append(_received).Append(_priority))
        {
            child.Remove();
        }
    }

    private void SetState(VrrpState current)
    {
        foreach (var (state, gauge) in _state)
        {
            gauge.Set(state == current ? 1 : 0);
        }
    }
}
