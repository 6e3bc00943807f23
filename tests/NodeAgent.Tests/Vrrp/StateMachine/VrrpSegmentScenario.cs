using System.Net;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Tests.Vrrp.StateMachine;

/// <summary>A timing profile of a simulated segment: every router of a run uses it.</summary>
internal sealed record VrrpSimProfile(string Name, VrrpVersion Version, TimeSpan Interval)
{
    public static readonly VrrpSimProfile V2OneSecond = new("v2-1s", VrrpVersion.V2, TimeSpan.FromSeconds(1));
    public static readonly VrrpSimProfile V3FiftyMs = new("v3-50ms", VrrpVersion.V3, TimeSpan.FromMilliseconds(50));
    public static readonly VrrpSimProfile V3OneSecond = new("v3-1s", VrrpVersion.V3, TimeSpan.FromSeconds(1));

    public static VrrpSimProfile Parse(string name) =>
        new[] { V2OneSecond, V3FiftyMs, V3OneSecond }.Single(p => p.Name == name);
}

/// <summary>What the runs actually exercised, so a green result is not a vacuous one.</summary>
internal sealed class VrrpSimStats
{
    public int Runs { get; set; }

    public int ConvergenceChecks { get; set; }

    public int ContestedChecks { get; set; }

    public int PreemptOffIncumbentWindows { get; set; }

    public int SkewTakeovers { get; set; }

    public Dictionary<string, int> Reasons { get; } = [];

    public override string ToString() =>
        $"{Runs} runs, {ConvergenceChecks} convergence checks ({ContestedChecks} with 2+ participants), "
        + $"{PreemptOffIncumbentWindows} preempt-off incumbent windows, {SkewTakeovers} Skew_Time takeovers; transitions: "
        + string.Join(", ", Reasons.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>
/// One seeded run: 2-5 routers, then epochs of (chaos: loss, partitions, crashes, restarts, graceful shutdowns,
/// priority changes, interface flaps) -> (quiet: healed, lossless; converge and check) -> (disturbances on a
/// lossless connected segment, each followed by a check). Everything random comes from one seeded Random.
/// </summary>
internal sealed class VrrpSegmentScenario
{
    private readonly Random _rng;
    private readonly VrrpSimProfile _profile;
    private readonly bool _preempt;
    private readonly VrrpSegmentSimulation _sim;
    private readonly VrrpSimStats _stats;

    private VrrpSegmentScenario(int seed, VrrpSimProfile profile, bool trace, VrrpSimStats? stats)
    {
        _stats = stats ?? new VrrpSimStats();
        _rng = new Random(seed);
        _profile = profile;
        int n = _rng.Next(2, 6);
        _preempt = _rng.NextDouble() < 0.6;
        TimeSpan preemptDelay = _preempt && _rng.NextDouble() < 0.25 ? profile.Interval * _rng.Next(1, 6) : TimeSpan.Zero;
        bool withOwner = _preempt && _rng.NextDouble() < 0.15;

        var configs = new List<VrrpRouterConfig>();
        var used = new HashSet<IPAddress>();
        for (int i = 0; i < n; i++)
        {
            IPAddress address;
            do
            {
                address = new IPAddress(new byte[] { 10, 0, (byte)_rng.Next(0, 256), (byte)_rng.Next(1, 255) });
            }
            while (!used.Add(address));

            byte priority = withOwner && i == 0 ? (byte)255
                : i > 0 && _rng.NextDouble() < 0.3 ? Math.Min((byte)254, configs[_rng.Next(i)].Priority) // a tie
                : (byte)_rng.Next(1, 255);
            configs.Add(new VrrpRouterConfig(
                $"R{i}", profile.Version, 51, priority, profile.Interval, _preempt, preemptDelay, address, [IPAddress.Parse("10.0.255.254")]));
        }

        _sim = new VrrpSegmentSimulation(_rng, configs, trace, _stats.Reasons);
    }

    private TimeSpan I => _profile.Interval;

    /// <summary>Runs one seed; throws <see cref="SimulationFailure"/> with the time and the segment's state when an invariant breaks.</summary>
    public static void Run(int seed, VrrpSimProfile profile, VrrpSimStats? stats = null)
    {
        var scenario = new VrrpSegmentScenario(seed, profile, trace: false, stats);
        scenario._stats.Runs++;
        try
        {
            scenario.Execute();
        }
        catch (SimulationFailure f)
        {
            throw new SimulationFailure(
                $"{f.Message}\n  at t={scenario._sim.Now - VrrpTestKit.T0:c}, preempt {scenario._preempt}\n{scenario._sim.Describe()}");
        }
    }

    /// <summary>The trace of a seed (re-run deterministically with tracing on).</summary>
    public static IReadOnlyList<string> TraceOf(int seed, VrrpSimProfile profile)
    {
        var scenario = new VrrpSegmentScenario(seed, profile, trace: true, stats: null);
        try
        {
            scenario.Execute();
        }
        catch (SimulationFailure f)
        {
            scenario._sim.Note("FAILED: " + f.Message);
        }

        return scenario._sim.Trace;
    }

    private void Execute()
    {
        // Staggered startup within two intervals.
        var starts = _sim.Routers.Select(r => (r, at: VrrpTestKit.T0 + (I * 2 * _rng.NextDouble()))).OrderBy(x => x.at).ToList();
        foreach (var (r, at) in starts)
        {
            _sim.RunUntil(at);
            _sim.Start(r);
        }

        int epochs = _rng.Next(2, 5);
        for (int e = 0; e < epochs; e++)
        {
            Chaos();
            Quiet();
            int disturbances = _rng.Next(1, 4);
            for (int d = 0; d < disturbances; d++)
            {
                Disturb();
            }
        }
    }

    private void Chaos()
    {
        _sim.Note("--- chaos");
        _sim.Incumbent = null;
        _sim.StableMaster = null;
        _sim.LossRate = new[] { 0, 0.05, 0.2, 0.5, 0.9 }[_rng.Next(5)];
        DateTimeOffset end = _sim.Now + (I * _rng.Next(3, 25));
        while (true)
        {
            DateTimeOffset next = _sim.Now + (I * 2 * _rng.NextDouble());
            if (next > end)
            {
                break;
            }

            _sim.RunUntil(next);
            SimRouter r = _sim.Routers[_rng.Next(_sim.Routers.Count)];
            double dice = _rng.NextDouble();
            if (dice < 0.12)
            {
                int groups = _rng.Next(2, 4);
                _sim.Partition(_sim.Routers.Select(_ => _rng.Next(groups)).ToArray());
            }
            else if (dice < 0.20)
            {
                _sim.Heal();
            }
            else if (dice < 0.32)
            {
                if (r.Process == VrrpSegmentSimulation.Process.Running)
                {
                    _sim.Crash(r);
                }
            }
            else if (dice < 0.48)
            {
                if (r.Process != VrrpSegmentSimulation.Process.Running)
                {
                    _sim.Start(r);
                }
            }
            else if (dice < 0.56)
            {
                if (r.Process == VrrpSegmentSimulation.Process.Running)
                {
                    _sim.Shutdown(r);
                }
            }
            else if (dice < 0.76)
            {
                RandomPriorityChange(r);
            }
            else if (dice < 0.92)
            {
                _sim.SetInterface(r, !r.InterfaceUp);
            }
            else
            {
                _sim.LossRate = new[] { 0, 0.05, 0.2, 0.5, 0.9 }[_rng.Next(5)];
            }
        }

        _sim.RunUntil(end);
    }

    /// <summary>Heal everything, stop losing packets, and check convergence within the bound.</summary>
    private void Quiet()
    {
        _sim.Note("--- quiet");
        _sim.Heal();
        _sim.LossRate = 0;
        foreach (SimRouter r in _sim.Routers.Where(r => !r.InterfaceUp).ToList())
        {
            _sim.SetInterface(r, true);
        }

        foreach (SimRouter r in _sim.Routers.Where(r => r.Process != VrrpSegmentSimulation.Process.Running).ToList())
        {
            if (_rng.NextDouble() < 0.5)
            {
                _sim.Start(r);
            }
        }

        SettleAndCheck("after heal");
    }

    /// <summary>One disturbance on a lossless connected segment, then a check.</summary>
    private void Disturb()
    {
        _sim.StableMaster = null;
        SimRouter? master = _sim.Participants.SingleOrDefault(r => r.State.State == VrrpState.Master);
        var down = _sim.Routers.Where(r => r.Process != VrrpSegmentSimulation.Process.Running).ToList();
        var participants = _sim.Participants.ToList();
        int kind = _rng.Next(6);
        string what;
        switch (kind)
        {
            case 0 when master is not null && participants.Count > 1:
                what = $"graceful shutdown of master R{master.Index}";
                _sim.Note("--- disturbance: " + what);
                DateTimeOffset at = _sim.Now;
                var others = participants.Where(r => r != master).ToList();
                _sim.Shutdown(master);

                // RFC 5798: on priority 0 the backups wait only Skew_Time, not Master_Down_Interval.
                TimeSpan maxSkew = others.Max(r => r.State.SkewTime);
                DateTimeOffset by = at + VrrpSegmentSimulation.MaxDelay + maxSkew + VrrpSegmentSimulation.MaxLateness + TimeSpan.FromTicks(1);
                _sim.RunUntil(by);
                if (!others.Any(r => r.IsParticipant && r.State.State == VrrpState.Master))
                {
                    throw new SimulationFailure($"{what}: no backup took over within delay + Skew_Time ({(by - at).TotalMilliseconds} ms)");
                }

                _stats.SkewTakeovers++;

                break;
            case 1 when master is not null:
                what = $"crash of master R{master.Index}";
                _sim.Note("--- disturbance: " + what);
                _sim.Crash(master);
                break;
            case 2 when down.Count > 0:
                SimRouter back = down[_rng.Next(down.Count)];
                what = $"restart of R{back.Index}";
                _sim.Note("--- disturbance: " + what);
                _sim.Start(back);
                break;
            case 3 when master is not null && !master.Config.Priority.Equals((byte)255):
                what = $"master R{master.Index} priority drop";
                _sim.Note("--- disturbance: " + what);
                _sim.SetPriority(master, (byte)_rng.Next(1, Math.Max(2, (int)master.State.EffectivePriority)));
                break;
            case 4 when participants.Count > 0:
                SimRouter flap = participants[_rng.Next(participants.Count)];
                what = $"interface flap of R{flap.Index}";
                _sim.Note("--- disturbance: " + what);
                _sim.SetInterface(flap, false);
                _sim.RunUntil(_sim.Now + (I * 4 * _rng.NextDouble()));
                _sim.SetInterface(flap, true);
                break;
            default:
                var candidates = _sim.Routers.Where(r => r.Config.Priority != 255).ToList();
                if (candidates.Count == 0)
                {
                    return;
                }

                SimRouter raised = candidates[_rng.Next(candidates.Count)];
                what = $"priority change of R{raised.Index}";
                _sim.Note("--- disturbance: " + what);
                int target = master is null ? _rng.Next(1, 255) : master.State.EffectivePriority + _rng.Next(-10, 30);
                _sim.SetPriority(raised, (byte)Math.Clamp(target, 1, 254));
                break;
        }

        SettleAndCheck(what);
    }

    private void RandomPriorityChange(SimRouter r)
    {
        if (r.Config.Priority != 255)
        {
            _sim.SetPriority(r, (byte)_rng.Next(1, 255));
        }
    }

    /// <summary>
    /// Wait the RFC bound (Master_Down_Interval of the slowest participant at the lowest priority it had since the
    /// last check, + max delay + one advert interval + timer lateness, counted from now or from the end of a
    /// preempt delay still running), then: exactly one Master; with preempt on it has the highest effective
    /// priority; with preempt off the incumbent kept its place. Then a stable window of a few intervals.
    /// </summary>
    private void SettleAndCheck(string after)
    {
        var participants = _sim.Participants.ToList();
        if (participants.Count == 0)
        {
            return;
        }

        TimeSpan maxMdi = participants.Max(r => VrrpTimers.MasterDownInterval(r.Config.Version, r.MinPriority, I));
        TimeSpan bound = maxMdi + VrrpSegmentSimulation.MaxDelay + I + (VrrpSegmentSimulation.MaxLateness * 2);
        DateTimeOffset from = _sim.Now;
        foreach (SimRouter r in participants)
        {
            if (r.State.StartedAt is { } started && started + r.Config.PreemptDelay > from)
            {
                from = started + r.Config.PreemptDelay;
            }
        }

        _sim.RunUntil(from + bound);
        participants = _sim.Participants.ToList();
        var masters = participants.Where(r => r.State.State == VrrpState.Master).ToList();
        if (masters.Count != 1)
        {
            throw new SimulationFailure(
                $"{after}: {masters.Count} masters ({string.Join(",", masters.Select(m => $"R{m.Index}"))}) among {participants.Count} participants {bound.TotalMilliseconds} ms later");
        }

        SimRouter master = masters[0];
        _stats.ConvergenceChecks++;
        if (participants.Count > 1)
        {
            _stats.ContestedChecks++;
        }

        if (_preempt)
        {
            int best = participants.Max(r => r.State.EffectivePriority);
            if (master.State.EffectivePriority != best)
            {
                throw new SimulationFailure($"{after}: preempt on but master R{master.Index} has priority {master.State.EffectivePriority} < {best}");
            }
        }
        else if (_sim.Incumbent is { } inc && inc != master.Index)
        {
            throw new SimulationFailure($"{after}: preempt off but incumbent R{inc} lost mastership to R{master.Index}");
        }

        foreach (SimRouter r in _sim.Routers)
        {
            r.MinPriority = r.State.EffectivePriority;
        }

        if (!_preempt)
        {
            _sim.Incumbent = master.Index;
            if (participants.Count > 1)
            {
                _stats.PreemptOffIncumbentWindows++;
            }
        }

        _sim.StableMaster = master.Index;
        _sim.RunUntil(_sim.Now + (I * _rng.Next(3, 8)));
        _sim.StableMaster = null;
    }
}
