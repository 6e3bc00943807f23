namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// Something that happened to one VRRP instance; the input of <see cref="VrrpStateMachine.Handle"/>.
/// The host turns packets, its clock, tracking and the interface's link state into these.
/// </summary>
public abstract record VrrpEvent
{
    private VrrpEvent()
    {
    }

    /// <summary>Start the instance (RFC 5798 6.4.1 "Startup event"). Ignored unless the instance is in Initialize.</summary>
    public sealed record Startup : VrrpEvent;

    /// <summary>
    /// An advertisement for this instance arrived. The receive path has already checked version, VRID,
    /// authentication and (v2) the interval, and has dropped our own packets.
    /// </summary>
    public sealed record AdvertisementReceived(VrrpAdvertisement Advertisement) : VrrpEvent;

    /// <summary>
    /// The host's clock reached <see cref="VrrpInstanceState.NextDeadline"/> (it may be late; it may also be
    /// spurious, which is harmless). Every timer that is due at <c>now</c> is handled.
    /// </summary>
    public sealed record TimerExpired : VrrpEvent;

    /// <summary>
    /// Tracking changed the effective priority. Clamped to 1-254; ignored for the address owner (priority 255).
    /// </summary>
    public sealed record PriorityChanged(byte EffectivePriority) : VrrpEvent;

    /// <summary>Stop the instance (RFC 5798 6.4.3 "Shutdown event"): a Master sends priority 0 first.</summary>
    public sealed record ShutdownRequested : VrrpEvent;

    /// <summary>
    /// The interface lost its link, or a weight-0 tracked check failed (keepalived's FAULT): a running instance goes
    /// to Fault. <paramref name="Reason"/> is what the transition reports.
    /// </summary>
    public sealed record InterfaceDown(string Reason = VrrpTransitionReason.InterfaceDown) : VrrpEvent;

    /// <summary>The fault is gone: an instance in Fault restarts as on <see cref="Startup"/>.</summary>
    public sealed record InterfaceUp(string Reason = VrrpTransitionReason.InterfaceUp) : VrrpEvent;
}
