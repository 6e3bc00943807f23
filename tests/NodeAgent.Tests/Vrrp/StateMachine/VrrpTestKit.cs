using System.Net;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Tests.Vrrp.StateMachine;

/// <summary>Builders and step helpers shared by the state machine tests.</summary>
internal static class VrrpTestKit
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly IPAddress Ours = IPAddress.Parse("192.168.1.10");
    public static readonly IPAddress LowerPeer = IPAddress.Parse("192.168.1.5");
    public static readonly IPAddress HigherPeer = IPAddress.Parse("192.168.1.200");

    public static VrrpRouterConfig RouterConfig(
        byte priority = 100,
        VrrpVersion version = VrrpVersion.V3,
        TimeSpan? interval = null,
        bool preempt = true,
        TimeSpan? preemptDelay = null,
        IPAddress? primary = null) =>
        new(
            Name: "VI_1",
            Version: version,
            VirtualRouterId: 51,
            Priority: priority,
            AdvertInterval: interval ?? TimeSpan.FromSeconds(1),
            Preempt: preempt,
            PreemptDelay: preemptDelay ?? TimeSpan.Zero,
            PrimaryAddress: primary ?? Ours,
            VirtualAddresses: [IPAddress.Parse("192.168.1.254")]);

    public static VrrpAdvertisement Advert(byte priority, IPAddress? source = null, TimeSpan? interval = null, VrrpVersion version = VrrpVersion.V3) =>
        new(version, 51, priority, interval ?? TimeSpan.FromSeconds(1), [IPAddress.Parse("192.168.1.254")], source ?? HigherPeer);

    public static VrrpEvent.AdvertisementReceived Received(VrrpAdvertisement a) => new(a);

    /// <summary>Handle and check the per-step invariants every caller relies on.</summary>
    public static VrrpStep Step(VrrpInstanceState s, VrrpEvent e, DateTimeOffset now)
    {
        VrrpStep step = VrrpStateMachine.Handle(s, e, now);
        string? broken = InvariantViolation(s, step, now);
        if (broken is not null)
        {
            throw new Xunit.Sdk.XunitException($"{broken} (event {e} at {now:O}, {s.State} -> {step.State.State})");
        }

        return step;
    }

    /// <summary>The step-level invariants: null when all hold.</summary>
    public static string? InvariantViolation(VrrpInstanceState before, VrrpStep step, DateTimeOffset now)
    {
        VrrpInstanceState after = step.State;
        if (after.AdverTimer is { } a && a <= now)
        {
            return $"Adver_Timer {a:O} not after now";
        }

        if (after.MasterDownTimer is { } m && m <= now)
        {
            return $"Master_Down_Timer {m:O} not after now";
        }

        bool timersOk = after.State switch
        {
            VrrpState.Master => after.AdverTimer is not null && after.MasterDownTimer is null,
            VrrpState.Backup => after.AdverTimer is null && after.MasterDownTimer is not null,
            _ => after.AdverTimer is null && after.MasterDownTimer is null,
        };
        if (!timersOk)
        {
            return $"wrong timers armed in {after.State}: adver={after.AdverTimer:O} down={after.MasterDownTimer:O}";
        }

        // Walk the actions: StateChanged links form a chain from the old state to the new one (one per
        // transition, never From == To), and the addresses are taken exactly on entering Master and released
        // exactly on leaving it.
        VrrpState current = before.State;
        bool held = current == VrrpState.Master;
        foreach (VrrpAction action in step.Actions)
        {
            switch (action)
            {
                case StateChanged c:
                    if (c.From == c.To)
                    {
                        return $"StateChanged with From == To: {c}";
                    }

                    if (c.From != current)
                    {
                        return $"StateChanged from {c.From} but the instance was {current}";
                    }

                    if (string.IsNullOrWhiteSpace(c.Reason))
                    {
                        return "StateChanged without a reason";
                    }

                    if (held != (c.To == VrrpState.Master))
                    {
                        return $"addresses held={held} when entering {c.To}";
                    }

                    current = c.To;
                    break;
                case TakeAddresses:
                    if (held || current == VrrpState.Master)
                    {
                        return "addresses taken twice";
                    }

                    held = true;
                    break;
                case AnnounceAddresses:
                    if (!held || current != VrrpState.Master)
                    {
                        return "addresses announced while not held";
                    }

                    break;
                case HeardOtherMaster:
                    if (current != VrrpState.Master)
                    {
                        return "another master reported by an instance that is not master";
                    }

                    break;
                case ReleaseAddresses:
                    if (!held || current != VrrpState.Master)
                    {
                        return "addresses released while not held";
                    }

                    held = false;
                    break;
                case SendAdvertisement sa:
                    if (sa.Priority != 0 && sa.Priority != after.EffectivePriority && sa.Priority != before.EffectivePriority)
                    {
                        return $"advertisement at {sa.Priority}, not the effective priority";
                    }

                    if (sa.Priority != 0 && current != VrrpState.Master && !step.Actions.SkipWhile(x => !ReferenceEquals(x, sa)).OfType<StateChanged>().Any(c => c.From == current && c.To == VrrpState.Master))
                    {
                        return $"{current} advertises without becoming Master";
                    }

                    break;
            }
        }

        if (current != after.State)
        {
            return $"StateChanged chain ends in {current} but the state is {after.State}";
        }

        if (step.Actions.OfType<StateChanged>().FirstOrDefault(c => c.EffectivePriority != before.EffectivePriority && c.EffectivePriority != after.EffectivePriority) is { } odd)
        {
            return $"StateChanged priority {odd.EffectivePriority} is not the effective priority";
        }

        return null;
    }
}
