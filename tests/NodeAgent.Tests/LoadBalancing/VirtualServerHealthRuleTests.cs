using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.LoadBalancing;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>A virtual server's weights and rules, the health of each real server, and the previous quorum state.</summary>
public sealed record HealthScenario(VirtualServerDefinition Definition, bool[] Healthy, bool? QuorumWasUp)
{
    public long HealthyWeight => Definition.Server.RealServers.Where((r, i) => Healthy[i]).Sum(r => (long)r.Weight);

    public override string ToString() =>
        $"weights [{string.Join(",", Definition.Server.RealServers.Select(r => r.Weight))}] healthy [{string.Join(",", Healthy)}] inhibit {Definition.Server.InhibitOnFailure} "
        + $"sorry {Definition.Server.SorryServer} quorum {Definition.Server.Quorum.Minimum}±{Definition.Server.Quorum.Hysteresis} was {QuorumWasUp}";
}

public static class HealthScenarioArbitrary
{
    private static readonly RealServerSettings Sorry = new(IPAddress.Parse("10.0.9.9"), 80, 1);

    public static Arbitrary<HealthScenario> Scenario() => Arb.From(
        from count in Gen.Choose(0, 6)
        from weights in Gen.ArrayOf(Gen.Choose(0, 5), count)
        from healthy in Gen.ArrayOf(Gen.Elements(true, false), count)
        from inhibit in Gen.Elements(true, false)
        from sorry in Gen.Elements<RealServerSettings?>(null, Sorry)
        from minimum in Gen.Choose(1, 8)
        from hysteresis in Gen.Choose(0, 3)
        from wasUp in Gen.Elements<bool?>(null, true, false)
        select new HealthScenario(VirtualServerSamples.WithWeights(weights, inhibit, sorry, minimum, hysteresis), healthy, wasUp));
}

[Properties(Arbitrary = [typeof(HealthScenarioArbitrary)], MaxTest = 500)]
public class VirtualServerHealthRuleTests
{
    private static VirtualServerDecision Decide(HealthScenario s) => VirtualServerHealthRule.Decide(s.Definition, s.Healthy, s.QuorumWasUp);

    [Property]
    public bool With_quorum_exactly_the_healthy_real_servers_carry_their_weight(HealthScenario s)
    {
        var decision = Decide(s);
        if (!decision.QuorumUp)
        {
            return true;
        }

        var servers = s.Definition.Server.RealServers;
        return !decision.SorryServerActive
            && Enumerable.Range(0, servers.Count).All(i =>
                decision.Weights[i] == (s.Healthy[i] ? servers[i].Weight : s.Definition.Server.InhibitOnFailure ? 0 : null))
            && decision.Server.Destinations.Count == decision.Weights.Count(w => w is not null);
    }

    [Property]
    public bool Below_quorum_only_the_sorry_server_takes_connections(HealthScenario s)
    {
        var decision = Decide(s);
        if (decision.QuorumUp)
        {
            return true;
        }

        var taking = decision.Server.Destinations.Where(d => d.Weight > 0).ToList();
        bool sorryOnly = s.Definition.Server.SorryServer is { } sorry
            ? taking.Count == 1 && taking[0].Address.Equals(sorry.Address) && decision.SorryServerActive
            : taking.Count == 0 && !decision.SorryServerActive;
        bool inhibitedStay = decision.Server.Destinations.Count == (s.Definition.Server.InhibitOnFailure ? s.Definition.Server.RealServers.Count : 0) + (s.Definition.Server.SorryServer is null ? 0 : 1);
        return sorryOnly && inhibitedStay;
    }

    [Property]
    public bool The_quorum_has_hysteresis(HealthScenario s)
    {
        var up = Decide(s).QuorumUp;
        long min = s.Definition.Server.Quorum.Minimum;
        long h = s.Definition.Server.Quorum.Hysteresis;
        return s.QuorumWasUp switch
        {
            null => up == (s.HealthyWeight >= min),
            true => up == (s.HealthyWeight >= min - h),
            false => up == (s.HealthyWeight >= min + h),
        };
    }

    [Property]
    public bool Deciding_again_from_its_own_state_is_stable(HealthScenario s)
    {
        var first = Decide(s);
        var again = VirtualServerHealthRule.Decide(s.Definition, s.Healthy, first.QuorumUp);
        return again.QuorumUp == first.QuorumUp && again.Server.Equals(first.Server);
    }

    [Property]
    public bool No_destination_is_programmed_twice(HealthScenario s)
    {
        var destinations = Decide(s).Server.Destinations;
        return destinations.Select(d => (d.Address, d.Port)).Distinct().Count() == destinations.Count;
    }

    [Fact]
    public void A_failed_real_server_is_removed_or_with_inhibit_on_failure_kept_at_weight_0()
    {
        var removed = VirtualServerHealthRule.Decide(VirtualServerSamples.WithWeights([1, 3]), [true, false], null);
        var inhibited = VirtualServerHealthRule.Decide(VirtualServerSamples.WithWeights([1, 3], inhibit: true), [true, false], null);

        Assert.Equal([("10.0.0.1", 1)], removed.Server.Destinations.Select(d => (d.Address.ToString(), d.Weight)));
        Assert.Equal([("10.0.0.1", 1), ("10.0.0.2", 0)], inhibited.Server.Destinations.Select(d => (d.Address.ToString(), d.Weight)));
        Assert.Equal([1, 0], inhibited.Weights);
        Assert.All(inhibited.Server.Destinations, d => Assert.Equal(KeepOperator.NodeAgent.ServiceModel.PacketForwarding.Masquerade, d.ForwardingMethod));
    }

    [Fact]
    public void The_sorry_server_stands_in_when_no_real_server_is_healthy()
    {
        var sorry = new RealServerSettings(IPAddress.Parse("10.0.9.9"), 8080, 1);
        var definition = VirtualServerSamples.WithWeights([1, 1], sorry: sorry);

        var down = VirtualServerHealthRule.Decide(definition, [false, false], true);
        var back = VirtualServerHealthRule.Decide(definition, [false, true], down.QuorumUp);

        Assert.Equal([("10.0.9.9", (ushort)8080)], down.Server.Destinations.Select(d => (d.Address.ToString(), d.Port)));
        Assert.True(down.SorryServerActive);
        Assert.Equal([("10.0.0.2", (ushort)80)], back.Server.Destinations.Select(d => (d.Address.ToString(), d.Port)));
    }

    [Fact]
    public void Quorum_4_with_hysteresis_1_goes_down_below_3_and_comes_back_at_5()
    {
        var definition = VirtualServerSamples.WithWeights([1, 1, 1, 1, 1], minimum: 4, hysteresis: 1);
        bool[] Healthy(int n) => [.. Enumerable.Range(0, 5).Select(i => i < n)];
        bool up = VirtualServerHealthRule.Decide(definition, Healthy(5), null).QuorumUp;
        var trace = new List<bool>();
        foreach (var n in new[] { 4, 3, 2, 3, 4, 5 })
        {
            up = VirtualServerHealthRule.Decide(definition, Healthy(n), up).QuorumUp;
            trace.Add(up);
        }

        Assert.Equal([true, true, false, false, false, true], trace);
    }
}
