using System.Net;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// The pure VRRP state machine: (state, event, now) -> (state', actions). RFC 5798 section 6.4 semantics
/// (RFC 3768 timers for v2), with keepalived's behaviours where the RFCs leave room:
/// <list type="bullet">
/// <item>a Master that hears a lower-priority advertisement re-advertises and re-announces its addresses at once;
/// one that hears a higher one advertises once more as it yields, so that the winner hears it and does so;</item>
/// <item>PreemptDelay: for that long after Startup/InterfaceUp a Backup does not preempt a lower-priority master;</item>
/// <item>Fault: interface down; the instance holds nothing and runs no timer until the interface is back;</item>
/// <item>the effective (tracked) priority is clamped to 1-254, and the owner's 255 never changes.</item>
/// </list>
/// Invariants of every step: each state change emits exactly one <see cref="StateChanged"/> (never From == To),
/// after the actions that belong to it; every armed deadline is later than <c>now</c> (an advertisement or a
/// priority change that finds a timer already due, because the host woke late, first fires that timer, so one
/// step can hold two transitions, e.g. Backup -> Master -> Backup); Master arms only the Adver_Timer, Backup only
/// the Master_Down_Timer, Initialize and Fault none.
/// </summary>
public static class VrrpStateMachine
{
    /// <summary>The priority of the address owner (RFC 5798 5.2.4).</summary>
    public const byte OwnerPriority = 255;

    /// <summary>The priority a Master sends when it stops (RFC 5798 5.2.4).</summary>
    public const byte ReleasePriority = 0;

    private static readonly VrrpAction[] NoActions = [];

    /// <summary>A new instance in Initialize with no timer armed; send <see cref="VrrpEvent.Startup"/> to run it.</summary>
    /// <exception cref="ArgumentException">Priority 0 or a non-positive advertisement interval.</exception>
    public static VrrpInstanceState Create(VrrpRouterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(config.PrimaryAddress);
        if (config.Priority == ReleasePriority)
        {
            throw new ArgumentException("VRRP priority must be 1-255 (0 is reserved for a master that stops).", nameof(config));
        }

        if (config.AdvertInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("VRRP advertisement interval must be positive.", nameof(config));
        }

        if (config.PreemptDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("VRRP preempt delay must not be negative.", nameof(config));
        }

        return new VrrpInstanceState(
            Config: config,
            State: VrrpState.Initialize,
            EffectivePriority: config.Priority,
            MasterAdvertInterval: config.AdvertInterval,
            AdverTimer: null,
            MasterDownTimer: null,
            StartedAt: null,
            InterfaceIsUp: true,
            MasterAddress: null,
            MasterPriority: null);
    }

    /// <summary>
    /// Handle one event at <paramref name="now"/>. A timer already due at <paramref name="now"/> (the host woke
    /// late, or this event arrived before the host's wake-up) happened before the event, so it fires first: its
    /// actions, and possibly a transition, come first. Shutdown and InterfaceDown skip that (they disarm
    /// everything). Afterwards every armed deadline is after <paramref name="now"/>.
    /// </summary>
    public static VrrpStep Handle(VrrpInstanceState state, VrrpEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        switch (e)
        {
            case VrrpEvent.TimerExpired:
                return OnTimer(state, now);
            case VrrpEvent.ShutdownRequested:
                return OnShutdown(state);
            case VrrpEvent.InterfaceDown down:
                return OnInterfaceDown(state, down.Reason);
        }

        VrrpStep first = OnTimer(state, now);
        VrrpInstanceState s = first.State;
        VrrpStep second = e switch
        {
            VrrpEvent.AdvertisementReceived a => OnAdvertisement(s, a.Advertisement, now),
            VrrpEvent.PriorityChanged p => OnPriorityChanged(s, p.EffectivePriority, now),
            VrrpEvent.Startup => OnStartup(s, now),
            VrrpEvent.InterfaceUp up => OnInterfaceUp(s, now, up.Reason),
            _ => throw new ArgumentException($"Unknown VRRP event {e.GetType().Name}.", nameof(e)),
        };
        return first.Actions.Count == 0 ? second
            : second.Actions.Count == 0 ? new VrrpStep(second.State, first.Actions)
            : new VrrpStep(second.State, [.. first.Actions, .. second.Actions]);
    }

    /// <summary>
    /// Compares two addresses as unsigned big-endian numbers (RFC 5798 6.4.3: the higher primary address wins a
    /// priority tie). Addresses of different families compare by length (IPv4 below IPv6).
    /// </summary>
    public static int CompareAddresses(IPAddress x, IPAddress y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        if (!x.TryWriteBytes(a, out int la) || !y.TryWriteBytes(b, out int lb))
        {
            throw new ArgumentException("Address does not fit 16 bytes.");
        }

        return la != lb ? la.CompareTo(lb) : a[..la].SequenceCompareTo(b[..lb]);
    }

    private static VrrpStep OnStartup(VrrpInstanceState s, DateTimeOffset now)
    {
        if (s.State != VrrpState.Initialize)
        {
            return Unchanged(s);
        }

        if (!s.InterfaceIsUp)
        {
            return Transition(s with { StartedAt = null }, VrrpState.Fault, VrrpTransitionReason.StartupInterfaceDown);
        }

        return Start(s, now, s.IsOwner ? VrrpTransitionReason.StartupOwner : VrrpTransitionReason.Startup);
    }

    private static VrrpStep OnInterfaceUp(VrrpInstanceState s, DateTimeOffset now, string reason)
    {
        if (s.InterfaceIsUp && s.State != VrrpState.Fault)
        {
            return Unchanged(s);
        }

        s = s with { InterfaceIsUp = true };
        return s.State == VrrpState.Fault
            ? Start(s, now, reason)
            : Unchanged(s);
    }

    /// <summary>RFC 5798 6.4.1: the owner becomes Master at once; everyone else Backup with Master_Down_Timer armed.</summary>
    private static VrrpStep Start(VrrpInstanceState s, DateTimeOffset now, string reason)
    {
        s = s with
        {
            StartedAt = now,
            MasterAdvertInterval = s.Config.AdvertInterval,
            MasterAddress = null,
            MasterPriority = null,
        };
        if (s.IsOwner)
        {
            return BecomeMaster(s, now, reason);
        }

        s = s with { AdverTimer = null, MasterDownTimer = Arm(now, s.MasterDownInterval) };
        return Transition(s, VrrpState.Backup, reason);
    }

    private static VrrpStep OnAdvertisement(VrrpInstanceState s, VrrpAdvertisement adv, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(adv);
        return s.State switch
        {
            VrrpState.Backup => BackupReceives(s, adv, now),
            VrrpState.Master => MasterReceives(s, adv, now),
            _ => Unchanged(s),
        };
    }

    /// <summary>RFC 5798 6.4.2, with keepalived's preempt_delay.</summary>
    private static VrrpStep BackupReceives(VrrpInstanceState s, VrrpAdvertisement adv, DateTimeOffset now)
    {
        // One copy of the state per advert (a backup's hot path): the timers are computed from the values it will hold.
        if (adv.Priority == ReleasePriority)
        {
            return new VrrpStep(s with { MasterAddress = adv.Source, MasterPriority = adv.Priority, MasterDownTimer = Arm(now, s.SkewTime) }, NoActions);
        }

        if (adv.Priority >= s.EffectivePriority || !MayPreempt(s, now))
        {
            var interval = VrrpTimers.AdoptMasterAdvertInterval(s.Config.Version, s.Config.AdvertInterval, s.MasterAdvertInterval, adv.MaxAdvertInterval);
            return new VrrpStep(
                s with
                {
                    MasterAddress = adv.Source,
                    MasterPriority = adv.Priority,
                    MasterAdvertInterval = interval,
                    MasterDownTimer = Arm(now, VrrpTimers.MasterDownInterval(s.Config.Version, s.EffectivePriority, interval)),
                },
                NoActions);
        }

        // Lower priority and we may preempt: discard; the Master_Down_Timer runs out and we take over.
        return new VrrpStep(s with { MasterAddress = adv.Source, MasterPriority = adv.Priority }, NoActions);
    }

    /// <summary>RFC 5798 6.4.3, with keepalived's immediate re-advertisement (and gratuitous ARPs) to a lower-priority master.</summary>
    private static VrrpStep MasterReceives(VrrpInstanceState s, VrrpAdvertisement adv, DateTimeOffset now)
    {
        if (adv.Priority == ReleasePriority)
        {
            return Advertise(s, now);
        }

        string? reason = null;
        if (adv.Priority > s.EffectivePriority)
        {
            reason = VrrpTransitionReason.HigherPriorityMaster;
        }
        else if (adv.Priority == s.EffectivePriority)
        {
            int c = CompareAddresses(adv.Source, s.Config.PrimaryAddress);
            if (c == 0)
            {
                // Our own advertisement looped back: nothing to do.
                return Unchanged(s);
            }

            if (c > 0)
            {
                reason = VrrpTransitionReason.HigherAddressMaster;
            }
        }

        var heard = new HeardOtherMaster(adv.Source, adv.Priority);
        if (reason is null)
        {
            // Another master with lower priority (or equal and a lower address), e.g. after a split healed: assert
            // ourselves at once, and win back the neighbours that followed its gratuitous ARPs.
            var advertise = Advertise(s, now);
            return advertise with { Actions = [heard, .. advertise.Actions, new AnnounceAddresses()] };
        }

        s = s with
        {
            MasterAdvertInterval = VrrpTimers.AdoptMasterAdvertInterval(
                s.Config.Version, s.Config.AdvertInterval, s.Config.AdvertInterval, adv.MaxAdvertInterval),
            MasterAddress = adv.Source,
            MasterPriority = adv.Priority,
        };
        // One last advertisement before yielding: if the split ends with us hearing the winner first, it has not heard
        // us, and the neighbours that followed our gratuitous ARPs would keep sending to us; hearing a lower-priority
        // master makes it re-announce (above) and win them back.
        var yielding = new SendAdvertisement(s.EffectivePriority, s.Config.AdvertInterval);
        s = s with { AdverTimer = null, MasterDownTimer = Arm(now, s.MasterDownInterval) };
        return Transition(s, VrrpState.Backup, reason, heard, yielding, new ReleaseAddresses());
    }

    private static VrrpStep OnTimer(VrrpInstanceState s, DateTimeOffset now)
    {
        switch (s.State)
        {
            case VrrpState.Master when s.AdverTimer is { } due && due <= now:
                return Advertise(s, now);
            case VrrpState.Backup when s.MasterDownTimer is { } due && due <= now:
                // Preempt: the last master we heard was lower and we were discarding its advertisements.
                string reason =
                    s.MasterPriority == ReleasePriority ? VrrpTransitionReason.MasterReleased
                    : s.MasterPriority is { } mp && mp < s.EffectivePriority && MayPreempt(s, now) ? VrrpTransitionReason.Preempt
                    : VrrpTransitionReason.MasterDown;
                return BecomeMaster(s, now, reason);
            default:
                // Spurious or early wake-up: nothing is due.
                return Unchanged(s);
        }
    }

    private static VrrpStep OnPriorityChanged(VrrpInstanceState s, byte requested, DateTimeOffset now)
    {
        if (s.IsOwner)
        {
            return Unchanged(s);
        }

        byte p = Math.Clamp(requested, (byte)1, (byte)(OwnerPriority - 1));
        if (p == s.EffectivePriority)
        {
            return Unchanged(s);
        }

        bool dropped = p < s.EffectivePriority;
        s = s with { EffectivePriority = p };
        if (s.State == VrrpState.Master)
        {
            s = s with { MasterPriority = p };
            if (dropped)
            {
                // Tell the backups now, so a higher one can preempt without waiting for the next advert.
                return Advertise(s, now);
            }
        }

        // Backup: Skew_Time and Master_Down_Interval follow the new priority from the next reset on.
        return new VrrpStep(s, NoActions);
    }

    /// <summary>RFC 5798 6.4.2/6.4.3 Shutdown: a Master sends priority 0 and releases; everything else just stops.</summary>
    private static VrrpStep OnShutdown(VrrpInstanceState s)
    {
        if (s.State == VrrpState.Initialize)
        {
            return Unchanged(s);
        }

        VrrpAction[] before = s.State == VrrpState.Master
            ? [new SendAdvertisement(ReleasePriority, s.Config.AdvertInterval), new ReleaseAddresses()]
            : [];
        return Transition(Stopped(s), VrrpState.Initialize, VrrpTransitionReason.Shutdown, before);
    }

    private static VrrpStep OnInterfaceDown(VrrpInstanceState s, string reason)
    {
        s = s with { InterfaceIsUp = false };
        if (s.State is VrrpState.Initialize or VrrpState.Fault)
        {
            return Unchanged(s);
        }

        VrrpAction[] before = s.State == VrrpState.Master ? [new ReleaseAddresses()] : [];
        return Transition(Stopped(s), VrrpState.Fault, reason, before);
    }

    private static VrrpStep BecomeMaster(VrrpInstanceState s, DateTimeOffset now, string reason)
    {
        s = s with
        {
            MasterAdvertInterval = s.Config.AdvertInterval,
            MasterDownTimer = null,
            AdverTimer = Arm(now, s.Config.AdvertInterval),
            MasterAddress = s.Config.PrimaryAddress,
            MasterPriority = s.EffectivePriority,
        };
        return Transition(
            s,
            VrrpState.Master,
            reason,
            new SendAdvertisement(s.EffectivePriority, s.Config.AdvertInterval),
            new TakeAddresses());
    }

    /// <summary>Send an advertisement now and restart the Adver_Timer (Master only).</summary>
    private static VrrpStep Advertise(VrrpInstanceState s, DateTimeOffset now) =>
        new(
            s with { AdverTimer = Arm(now, s.Config.AdvertInterval) },
            [new SendAdvertisement(s.EffectivePriority, s.Config.AdvertInterval)]);

    private static VrrpInstanceState Stopped(VrrpInstanceState s) =>
        s with { AdverTimer = null, MasterDownTimer = null, MasterAddress = null, MasterPriority = null };

    /// <summary>Preempt_Mode (always true for the owner), except within PreemptDelay after Startup/InterfaceUp (keepalived's preempt_delay).</summary>
    private static bool MayPreempt(VrrpInstanceState s, DateTimeOffset now) =>
        (s.Config.Preempt || s.IsOwner)
        && !(s.Config.PreemptDelay > TimeSpan.Zero && s.StartedAt is { } started && now < started + s.Config.PreemptDelay);

    /// <summary>An absolute deadline strictly after <paramref name="now"/>.</summary>
    private static DateTimeOffset Arm(DateTimeOffset now, TimeSpan after) =>
        now + (after > TimeSpan.Zero ? after : TimeSpan.FromTicks(1));

    /// <summary>Moves to <paramref name="to"/>: the actions <paramref name="before"/>, then exactly one StateChanged.</summary>
    private static VrrpStep Transition(VrrpInstanceState s, VrrpState to, string reason, params VrrpAction[] before)
    {
        VrrpState from = s.State;
        var actions = new VrrpAction[before.Length + 1];
        before.CopyTo(actions, 0);
        actions[^1] = new StateChanged(from, to, reason, s.EffectivePriority);
        return new VrrpStep(s with { State = to }, actions);
    }

    private static VrrpStep Unchanged(VrrpInstanceState s) => new(s, NoActions);
}
