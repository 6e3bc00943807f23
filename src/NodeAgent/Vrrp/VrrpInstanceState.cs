using System.Net;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// The immutable state of one VRRP instance. Produce it with <see cref="VrrpStateMachine.Create"/> and evolve it
/// only with <see cref="VrrpStateMachine.Handle"/>; it carries no clock, only absolute deadlines.
/// </summary>
/// <param name="Config">The configuration the instance was created with.</param>
/// <param name="State">The RFC 5798 state (plus Fault).</param>
/// <param name="EffectivePriority">The priority after tracking, used in every comparison and in Skew_Time (1-255; 255 only for the owner).</param>
/// <param name="MasterAdvertInterval">Master_Adver_Interval: v3 adopts the master's advertised interval; v2 always the configured one.</param>
/// <param name="AdverTimer">Absolute deadline of the Adver_Timer; armed only in Master.</param>
/// <param name="MasterDownTimer">Absolute deadline of the Master_Down_Timer; armed only in Backup.</param>
/// <param name="StartedAt">When the instance last left Initialize or Fault for Backup or Master (Startup or InterfaceUp); starts PreemptDelay.</param>
/// <param name="InterfaceIsUp">What the host last said about the interface (true until an InterfaceDown).</param>
/// <param name="MasterAddress">The router believed to be master: our own primary address while Master, else the source of the last advertisement heard in Backup; null when unknown.</param>
/// <param name="MasterPriority">That router's priority as last heard (0: it stepped down); ours while Master; null when unknown.</param>
public sealed record VrrpInstanceState(
    VrrpRouterConfig Config,
    VrrpState State,
    byte EffectivePriority,
    TimeSpan MasterAdvertInterval,
    DateTimeOffset? AdverTimer,
    DateTimeOffset? MasterDownTimer,
    DateTimeOffset? StartedAt,
    bool InterfaceIsUp,
    IPAddress? MasterAddress,
    byte? MasterPriority)
{
    /// <summary>The earliest armed timer, or null when none is armed: the host sleeps until then and sends <see cref="VrrpEvent.TimerExpired"/>.</summary>
    public DateTimeOffset? NextDeadline =>
        AdverTimer is { } a && MasterDownTimer is { } m ? (a <= m ? a : m) : AdverTimer ?? MasterDownTimer;

    /// <summary>Whether this router owns the virtual addresses (configured priority 255).</summary>
    public bool IsOwner => Config.Priority == VrrpStateMachine.OwnerPriority;

    /// <summary>Skew_Time at the current effective priority and Master_Adver_Interval (see <see cref="VrrpTimers"/>).</summary>
    public TimeSpan SkewTime => VrrpTimers.SkewTime(Config.Version, EffectivePriority, MasterAdvertInterval);

    /// <summary>Master_Down_Interval at the current effective priority and Master_Adver_Interval (see <see cref="VrrpTimers"/>).</summary>
    public TimeSpan MasterDownInterval => VrrpTimers.MasterDownInterval(Config.Version, EffectivePriority, MasterAdvertInterval);
}
