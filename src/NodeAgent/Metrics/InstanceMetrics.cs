using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using KeepOperator.Api.Metrics;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Metrics;

/// <summary>
/// One VRRP instance's numbers. Written by the event loop only (a per-packet call is one interlocked increment), read
/// by scrapes on other threads; label sets are rendered once, here.
/// </summary>
public sealed class InstanceMetrics
{
    private static readonly VrrpState[] States = Enum.GetValues<VrrpState>();
    /// <summary>10 ms (a 10 ms advert's skew) doubling up to 41 s (three of the longest v3 intervals).</summary>
    private static readonly double[] TakeoverBuckets = [.. Enumerable.Range(0, 13).Select(i => 0.01 * Math.Pow(2, i))];

    private static readonly VrrpDropReason[] Reasons = [.. Enum.GetValues<VrrpDropReason>().Where(r => r != VrrpDropReason.None)];

    private readonly AgentMetrics _owner;
    private readonly long[] _dropped = new long[Reasons.Length];
    private readonly ConcurrentDictionary<(VrrpState From, VrrpState To, string Reason), StrongBox<long>> _transitions = new();
    private long _sent;
    private long _received;
    private long _otherMaster;
    private int _state;
    private int _priority;

    internal InstanceMetrics(AgentMetrics owner, VrrpInstanceSettings settings)
    {
        _owner = owner;
        Vip = settings.Name;
        var vrid = settings.Router.VirtualRouterId.ToString(CultureInfo.InvariantCulture);
        VipLabels = ExpositionWriter.Labels(("vip", Vip));
        StateLabels = [.. States.Select(s => ExpositionWriter.Labels(("vip", Vip), ("interface", settings.InterfaceName), ("vrid", vrid), ("state", MetricLabel.SnakeCase(s))))];
        DropLabels = [.. Reasons.Select(r => ExpositionWriter.Labels(("vip", Vip), ("reason", MetricLabel.SnakeCase(r))))];
        _state = (int)VrrpState.Initialize;
        _priority = settings.Router.Priority;
    }

    internal string Vip { get; }

    internal string VipLabels { get; }

    /// <summary>Per <see cref="VrrpState"/> value.</summary>
    internal string[] StateLabels { get; }

    /// <summary>Per drop reason (None left out), in the order of <see cref="Dropped"/>.</summary>
    internal string[] DropLabels { get; }

    internal VrrpState State => (VrrpState)Volatile.Read(ref _state);

    internal long Sent => Interlocked.Read(ref _sent);

    internal long Received => Interlocked.Read(ref _received);

    internal long OtherMasterAdverts => Interlocked.Read(ref _otherMaster);

    internal int Priority => Volatile.Read(ref _priority);

    /// <summary>How long the master was silent, as this node saw it, before this node took over.</summary>
    internal LatencyHistogram Takeovers { get; } = new(TakeoverBuckets);

    internal IEnumerable<long> Dropped => _dropped.Select((_, i) => Interlocked.Read(ref _dropped[i]));

    /// <summary>The transitions that happened at least once, by from, to and reason.</summary>
    internal IEnumerable<(string Labels, long Count)> Transitions =>
        from t in _transitions.OrderBy(t => ((int)t.Key.From, (int)t.Key.To, t.Key.Reason))
        select (ExpositionWriter.Labels(("vip", Vip), ("from", MetricLabel.SnakeCase(t.Key.From)), ("to", MetricLabel.SnakeCase(t.Key.To)), ("reason", t.Key.Reason)), Interlocked.Read(ref t.Value.Value));

    public void AdvertSent() => Interlocked.Increment(ref _sent);

    public void AdvertReceived() => Interlocked.Increment(ref _received);

    /// <summary>While master, an advert from another master for this VRID (split brain, or its end).</summary>
    public void OtherMasterAdvert() => Interlocked.Increment(ref _otherMaster);

    public void PacketDropped(VrrpDropReason reason) => Interlocked.Increment(ref _dropped[Array.IndexOf(Reasons, reason)]);

    public void EffectivePriority(byte priority) => Volatile.Write(ref _priority, priority);

    /// <summary>Counts a transition; <paramref name="reason"/> is one of <see cref="VrrpTransitionReason"/>'s texts.</summary>
    public void Transition(VrrpState from, VrrpState to, string reason)
    {
        // Transitions are rare: a dictionary keeps the series to those that happened, reasons included.
        Interlocked.Increment(ref _transitions.GetOrAdd((from, to, VrrpTransitionReason.LabelOf(reason)), _ => new StrongBox<long>()).Value);
        Volatile.Write(ref _state, (int)to);
    }

    /// <summary>This node became master <paramref name="silence"/> after the last advertisement it accepted from the master.</summary>
    public void Takeover(TimeSpan silence) => Takeovers.Observe(silence.TotalSeconds);

    /// <summary>The instance stopped: its series leave the scrape (a restarted instance starts again from 0).</summary>
    public void Remove() => _owner.Forget(this);
}
