using System.Net;
using System.Text;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Tests.Vrrp.StateMachine;

/// <summary>A broken expectation in a simulated run.</summary>
internal sealed class SimulationFailure(string message) : Exception(message);

/// <summary>
/// A deterministic discrete-event simulation of N VRRP routers on one segment: a virtual clock, a priority queue
/// of (time, sequence) events, and the pure <see cref="VrrpStateMachine"/> per router. The network delivers each
/// advertisement to every other running, connected router with its interface up after a random delay, FIFO per
/// sender/receiver pair (one segment does not reorder one sender's frames), unless it is lost. The host's timer
/// wake-ups are late by a random amount. No threads, sockets or real time.
/// </summary>
internal sealed class VrrpSegmentSimulation
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan MaxLateness = TimeSpan.FromMilliseconds(2);
    private const int MaxEventsPerRun = 2_000_000;

    private readonly Random _rng;
    private readonly PriorityQueue<SimEvent, (long Ticks, long Seq)> _queue = new();
    private readonly DateTimeOffset[,] _linkFree;
    private readonly List<string>? _trace;
    private readonly Dictionary<string, int> _reasons;
    private long _seq;
    private int _events;

    public VrrpSegmentSimulation(Random rng, IReadOnlyList<VrrpRouterConfig> configs, bool trace, Dictionary<string, int> reasons)
    {
        _reasons = reasons;
        _rng = rng;
        Routers = configs.Select((c, i) => new SimRouter(i, c)).ToArray();
        _linkFree = new DateTimeOffset[Routers.Count, Routers.Count];
        _trace = trace ? [] : null;
    }

    public enum Process
    {
        NeverStarted,
        Running,
        Crashed,
        Stopped,
    }

    public IReadOnlyList<SimRouter> Routers { get; }

    public DateTimeOffset Now { get; private set; } = VrrpTestKit.T0;

    /// <summary>How late a timer wake-up may be (uniform from zero); <see cref="MaxLateness"/> unless set.</summary>
    public TimeSpan WakeupLateness { get; set; } = MaxLateness;

    /// <summary>Probability that one delivery (one sender to one receiver) is lost.</summary>
    public double LossRate { get; set; }

    /// <summary>When set, after every event: this router is the only Master among participants.</summary>
    public int? StableMaster { get; set; }

    /// <summary>When set (preempt off, lossless, connected): this Master must stay Master while it participates.</summary>
    public int? Incumbent { get; set; }

    public IEnumerable<SimRouter> Participants => Routers.Where(r => r.IsParticipant);

    public IReadOnlyList<string> Trace => _trace ?? [];

    public void Note(string line) => _trace?.Add($"{Now - VrrpTestKit.T0:c} {line}");

    /// <summary>Process every queued event up to and including <paramref name="until"/>, then set the clock there.</summary>
    public void RunUntil(DateTimeOffset until)
    {
        while (_queue.TryPeek(out _, out var key) && key.Ticks <= until.UtcTicks)
        {
            SimEvent ev = _queue.Dequeue();
            Now = new DateTimeOffset(key.Ticks, TimeSpan.Zero);
            if (++_events > MaxEventsPerRun)
            {
                throw new SimulationFailure($"more than {MaxEventsPerRun} events: an advertisement storm or a busy loop");
            }

            switch (ev)
            {
                case Delivery d:
                    Deliver(d);
                    break;
                case Wakeup w:
                    Wake(w);
                    break;
            }

            CheckContinuous();
        }

        if (until > Now)
        {
            Now = until;
        }
    }

    // ---- faults and operations injected by the scenario, at Now ----

    public void Start(SimRouter r)
    {
        r.Incarnation++;
        r.Process = Process.Running;
        r.HoldsAddresses = false;
        r.State = VrrpStateMachine.Create(r.Config);
        r.ScheduledWakeup = null;
        Note($"R{r.Index} start (tracked priority {r.TrackedPriority}, interface {(r.InterfaceUp ? "up" : "down")})");
        if (!r.InterfaceUp)
        {
            Apply(r, new VrrpEvent.InterfaceDown());
        }

        if (r.TrackedPriority != r.Config.Priority)
        {
            Apply(r, new VrrpEvent.PriorityChanged(r.TrackedPriority));
        }

        Apply(r, new VrrpEvent.Startup());
        CheckContinuous();
    }

    public void Crash(SimRouter r)
    {
        Note($"R{r.Index} crash in {r.State.State}");
        r.Process = Process.Crashed;
        r.Incarnation++;
        r.HoldsAddresses = false;
        if (Incumbent == r.Index)
        {
            Incumbent = null;
        }
    }

    public void Shutdown(SimRouter r)
    {
        Note($"R{r.Index} graceful shutdown in {r.State.State}");
        if (Incumbent == r.Index)
        {
            Incumbent = null;
        }

        Apply(r, new VrrpEvent.ShutdownRequested());
        r.Process = Process.Stopped;
        r.Incarnation++;
        CheckContinuous();
    }

    public void SetInterface(SimRouter r, bool up)
    {
        Note($"R{r.Index} interface {(up ? "up" : "down")}");
        if (!up && Incumbent == r.Index)
        {
            Incumbent = null;
        }

        r.InterfaceUp = up;
        if (r.Process == Process.Running)
        {
            Apply(r, up ? new VrrpEvent.InterfaceUp() : new VrrpEvent.InterfaceDown());
        }

        CheckContinuous();
    }

    public void SetPriority(SimRouter r, byte priority)
    {
        Note($"R{r.Index} tracked priority {r.TrackedPriority} -> {priority}");
        r.TrackedPriority = priority;
        if (r.Process == Process.Running)
        {
            Apply(r, new VrrpEvent.PriorityChanged(priority));
        }

        CheckContinuous();
    }

    public void Partition(int[] groups)
    {
        Note($"partition [{string.Join(",", groups)}]");
        for (int i = 0; i < Routers.Count; i++)
        {
            Routers[i].Group = groups[i];
        }
    }

    public void Heal()
    {
        Note("heal");
        foreach (SimRouter r in Routers)
        {
            r.Group = 0;
        }
    }

    // ---- the host side of one router ----

    private void Apply(SimRouter r, VrrpEvent e)
    {
        VrrpInstanceState before = r.State;
        VrrpStep step = VrrpStateMachine.Handle(before, e, Now);
        if (VrrpTestKit.InvariantViolation(before, step, Now) is { } broken)
        {
            throw new SimulationFailure($"R{r.Index} step invariant: {broken} on {e}");
        }

        if (e is VrrpEvent.AdvertisementReceived { Advertisement.Priority: 0 } && before.State == VrrpState.Backup
            && before.MasterDownTimer > Now && step.State.MasterDownTimer != Now + step.State.SkewTime)
        {
            throw new SimulationFailure($"R{r.Index} heard priority 0 but Master_Down_Timer is {step.State.MasterDownTimer - Now}, not Skew_Time {step.State.SkewTime}");
        }

        r.State = step.State;
        r.MinPriority = Math.Min(r.MinPriority, step.State.EffectivePriority);
        foreach (VrrpAction action in step.Actions)
        {
            switch (action)
            {
                case SendAdvertisement s:
                    Send(r, s);
                    break;
                case TakeAddresses:
                    if (r.HoldsAddresses)
                    {
                        throw new SimulationFailure($"R{r.Index} takes addresses it already holds");
                    }

                    r.HoldsAddresses = true;
                    break;
                case AnnounceAddresses:
                    if (!r.HoldsAddresses)
                    {
                        throw new SimulationFailure($"R{r.Index} announces addresses it does not hold");
                    }

                    break;
                case ReleaseAddresses:
                    if (!r.HoldsAddresses)
                    {
                        throw new SimulationFailure($"R{r.Index} releases addresses it does not hold");
                    }

                    r.HoldsAddresses = false;
                    break;
                case StateChanged c:
                    _reasons[c.Reason] = _reasons.GetValueOrDefault(c.Reason) + 1;
                    Note($"R{r.Index} {c.From} -> {c.To} ({c.Reason}, priority {c.EffectivePriority})");
                    if (Incumbent == r.Index && c.From == VrrpState.Master && r.IsParticipant && step.State.State == VrrpState.Backup)
                    {
                        throw new SimulationFailure($"preempt off: incumbent master R{r.Index} was displaced ({c.Reason}) while alive and connected");
                    }

                    break;
            }
        }

        if (r.HoldsAddresses != (r.State.State == VrrpState.Master))
        {
            throw new SimulationFailure($"R{r.Index} holds addresses={r.HoldsAddresses} in {r.State.State}");
        }

        ScheduleWakeup(r);
    }

    private void ScheduleWakeup(SimRouter r)
    {
        DateTimeOffset? next = r.State.NextDeadline;
        if (next is { } at && next != r.ScheduledWakeup)
        {
            if (at <= Now)
            {
                throw new SimulationFailure($"R{r.Index} deadline {at - Now} is not after now");
            }

            r.ScheduledWakeup = at;
            TimeSpan late = TimeSpan.FromTicks(_rng.NextInt64(WakeupLateness.Ticks + 1));
            Enqueue(at + late, new Wakeup(r.Index, r.Incarnation));
        }
        else if (next is null)
        {
            r.ScheduledWakeup = null;
        }
    }

    private void Wake(Wakeup w)
    {
        SimRouter r = Routers[w.Router];
        if (r.Process != Process.Running || r.Incarnation != w.Incarnation || r.State.NextDeadline is not { } due || due > Now)
        {
            return;
        }

        r.ScheduledWakeup = null;
        Apply(r, new VrrpEvent.TimerExpired());
    }

    private void Send(SimRouter from, SendAdvertisement s)
    {
        Note($"R{from.Index} sends priority {s.Priority}");
        var advert = new VrrpAdvertisement(
            from.Config.Version,
            from.Config.VirtualRouterId,
            s.Priority,
            s.AdvertInterval,
            from.Config.VirtualAddresses,
            from.Config.PrimaryAddress);
        foreach (SimRouter to in Routers)
        {
            if (to.Index == from.Index || from.Group != to.Group || _rng.NextDouble() < LossRate)
            {
                continue;
            }

            DateTimeOffset at = Now + TimeSpan.FromTicks(_rng.NextInt64(MaxDelay.Ticks + 1));
            if (at < _linkFree[from.Index, to.Index])
            {
                at = _linkFree[from.Index, to.Index];
            }

            _linkFree[from.Index, to.Index] = at;
            Enqueue(at, new Delivery(from.Index, to.Index, advert));
        }
    }

    private void Deliver(Delivery d)
    {
        SimRouter to = Routers[d.To];
        if (to.Process != Process.Running || !to.InterfaceUp || Routers[d.From].Group != to.Group)
        {
            return;
        }

        Apply(to, new VrrpEvent.AdvertisementReceived(d.Advert));
    }

    private void Enqueue(DateTimeOffset at, SimEvent ev) => _queue.Enqueue(ev, (at.UtcTicks, _seq++));

    private void CheckContinuous()
    {
        if (StableMaster is { } stable)
        {
            var masters = Participants.Where(r => r.State.State == VrrpState.Master).Select(r => r.Index).ToList();
            if (masters.Count != 1 || masters[0] != stable)
            {
                throw new SimulationFailure($"stable window: expected only R{stable} as Master, got [{string.Join(",", masters.Select(m => $"R{m}"))}]");
            }
        }

        if (Incumbent is { } inc && Routers[inc] is { IsParticipant: true } ir && ir.State.State != VrrpState.Master)
        {
            throw new SimulationFailure($"preempt off: incumbent master R{inc} is {ir.State.State} while alive and connected");
        }
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        foreach (SimRouter r in Routers)
        {
            sb.Append($"  R{r.Index} {r.Config.PrimaryAddress} prio {r.Config.Priority} (eff {r.State.EffectivePriority}) preempt {r.Config.Preempt} delay {r.Config.PreemptDelay.TotalMilliseconds}ms ")
              .Append($"{r.Process} if={(r.InterfaceUp ? "up" : "down")} group {r.Group} {r.State.State}\n");
        }

        return sb.ToString();
    }

    private abstract record SimEvent;

    private sealed record Delivery(int From, int To, VrrpAdvertisement Advert) : SimEvent;

    private sealed record Wakeup(int Router, int Incarnation) : SimEvent;
}

/// <summary>One simulated node: the host's view of its VRRP instance.</summary>
internal sealed class SimRouter(int index, VrrpRouterConfig config)
{
    public int Index { get; } = index;

    public VrrpRouterConfig Config { get; } = config;

    public VrrpInstanceState State { get; set; } = VrrpStateMachine.Create(config);

    public VrrpSegmentSimulation.Process Process { get; set; }

    public int Incarnation { get; set; }

    public bool InterfaceUp { get; set; } = true;

    public int Group { get; set; }

    public bool HoldsAddresses { get; set; }

    public byte TrackedPriority { get; set; } = config.Priority;

    /// <summary>The lowest effective priority since the last convergence check (its Master_Down_Interval is the longest).</summary>
    public byte MinPriority { get; set; } = config.Priority;

    public DateTimeOffset? ScheduledWakeup { get; set; }

    /// <summary>Running with its interface up: it takes part in the election.</summary>
    public bool IsParticipant => Process == VrrpSegmentSimulation.Process.Running && InterfaceUp;

    public IPAddress Address => Config.PrimaryAddress;
}
