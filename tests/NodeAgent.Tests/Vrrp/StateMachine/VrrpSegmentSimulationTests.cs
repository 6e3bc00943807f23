using System.Diagnostics;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.NodeAgent.Tests.Vrrp.StateMachine;

/// <summary>
/// Thousands of seeded runs of <see cref="VrrpSegmentScenario"/>. A failure names its profile and seed; replay one
/// with VRRP_SIM_REPLAY=profile:seed (e.g. v3-50ms:1234) and the Replay test, which prints the full trace.
/// VRRP_SIM_RUNS overrides the number of seeds per profile (for a longer soak).
/// </summary>
public class VrrpSegmentSimulationTests(ITestOutputHelper output)
{
    private const int DefaultRunsPerProfile = 1000;

    private static int RunsPerProfile =>
        int.TryParse(Environment.GetEnvironmentVariable("VRRP_SIM_RUNS"), out int n) && n > 0 ? n : DefaultRunsPerProfile;

    [Fact]
    public void V2OneSecondSegmentsConverge() => RunMany(VrrpSimProfile.V2OneSecond, firstSeed: 1_000_000);

    [Fact]
    public void V3FiftyMillisecondSegmentsConverge() => RunMany(VrrpSimProfile.V3FiftyMs, firstSeed: 2_000_000);

    [Fact]
    public void V3OneSecondSegmentsConverge() => RunMany(VrrpSimProfile.V3OneSecond, firstSeed: 3_000_000);

    /// <summary>Replays VRRP_SIM_REPLAY=profile:seed with the full trace; without it, one fixed seed per profile.</summary>
    [Fact]
    public void Replay()
    {
        string? spec = Environment.GetEnvironmentVariable("VRRP_SIM_REPLAY");
        var runs = spec is { Length: > 0 }
            ? [(VrrpSimProfile.Parse(spec.Split(':')[0]), int.Parse(spec.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture))]
            : new[] { (VrrpSimProfile.V2OneSecond, 7), (VrrpSimProfile.V3FiftyMs, 7), (VrrpSimProfile.V3OneSecond, 7) };
        foreach (var (profile, seed) in runs)
        {
            IReadOnlyList<string> trace = VrrpSegmentScenario.TraceOf(seed, profile);
            foreach (string line in trace)
            {
                output.WriteLine(line);
            }

            // A replay is worth something only if the same seed gives the same run, and that run keeps the invariants.
            Assert.NotEmpty(trace);
            Assert.Equal(trace, VrrpSegmentScenario.TraceOf(seed, profile));
            VrrpSegmentScenario.Run(seed, profile);
        }
    }

    /// <summary>
    /// Equal priorities started at the same instant: every Master_Down_Timer runs out together, every router
    /// becomes Master (wake-ups are not late here), and the tie-break (higher primary address, compared unsigned) must leave exactly one.
    /// </summary>
    [Theory]
    [InlineData("v2-1s")]
    [InlineData("v3-50ms")]
    [InlineData("v3-1s")]
    public void EqualPrioritiesStartingTogetherElectTheHighestAddress(string profileName)
    {
        VrrpSimProfile profile = VrrpSimProfile.Parse(profileName);
        for (int seed = 0; seed < 200; seed++)
        {
            var rng = new Random(seed);
            int n = rng.Next(2, 6);
            byte priority = (byte)rng.Next(1, 255);
            var configs = Enumerable.Range(0, n)
                .Select(i => new VrrpRouterConfig(
                    $"R{i}", profile.Version, 51, priority, profile.Interval, rng.Next(2) == 0, TimeSpan.Zero,
                    new System.Net.IPAddress(new byte[] { (byte)rng.Next(1, 224), (byte)rng.Next(256), (byte)rng.Next(256), (byte)(i + 1) }),
                    [System.Net.IPAddress.Parse("10.0.255.254")]))
                .ToList();
            var reasons = new Dictionary<string, int>();
            var sim = new VrrpSegmentSimulation(rng, configs, trace: false, reasons) { WakeupLateness = TimeSpan.Zero };
            foreach (SimRouter r in sim.Routers)
            {
                sim.Start(r);
            }

            TimeSpan mdi = VrrpTimers.MasterDownInterval(profile.Version, priority, profile.Interval);
            sim.RunUntil(sim.Now + mdi + VrrpSegmentSimulation.MaxDelay + profile.Interval + (VrrpSegmentSimulation.MaxLateness * 2));
            SimRouter expected = sim.Routers.MaxBy(r => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(r.Address.GetAddressBytes()))!;
            Assert.Equal(n, reasons[VrrpTransitionReason.MasterDown]);
            var masters = sim.Routers.Where(r => r.State.State == VrrpState.Master).Select(r => r.Address).ToList();
            Assert.True(masters.Count == 1 && masters[0].Equals(expected.Address), $"{profileName} seed {seed}: masters [{string.Join(", ", masters)}], expected {expected.Address}\n{sim.Describe()}");
        }
    }

    private void RunMany(VrrpSimProfile profile, int firstSeed)
    {
        var clock = Stopwatch.StartNew();
        var stats = new VrrpSimStats();
        int runs = RunsPerProfile;
        for (int seed = firstSeed; seed < firstSeed + runs; seed++)
        {
            try
            {
                VrrpSegmentScenario.Run(seed, profile, stats);
            }
            catch (SimulationFailure f)
            {
                IReadOnlyList<string> trace = VrrpSegmentScenario.TraceOf(seed, profile);
                string tail = string.Join("\n", trace.Skip(Math.Max(0, trace.Count - 80)));
                throw new Xunit.Sdk.XunitException(
                    $"VRRP simulation failed: profile {profile.Name} seed {seed} (replay: VRRP_SIM_REPLAY={profile.Name}:{seed} dotnet test --filter FullyQualifiedName~VrrpSegmentSimulationTests.Replay)\n{f.Message}\nlast trace lines:\n{tail}");
            }
        }

        output.WriteLine($"{profile.Name} in {clock.ElapsedMilliseconds} ms: {stats}");
        Assert.True(stats.ContestedChecks > runs, $"too few contested convergence checks: {stats}");
        Assert.True(stats.SkewTakeovers > runs / 10, $"too few Skew_Time takeovers: {stats}");
        Assert.True(stats.PreemptOffIncumbentWindows > runs / 10, $"too few preempt-off incumbent windows: {stats}");
    }
}
