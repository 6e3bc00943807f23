using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// The VIP's interface going down or losing carrier (issue 13): the master goes to FAULT and releases the VIP, the
/// backup takes over; the same with keepalived as the master, for comparison. Figures printed as INTERFACE-DOWN lines.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class InterfaceTrackingTests(ITestOutputHelper output)
{
    private readonly Scenario _scenario = new(output);

    [LabTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Link_down_faults_the_master_and_the_backup_takes_over_agent_and_keepalived_side_by_side(bool carrierOnly)
    {
        var agent = _scenario.InterfaceDownFailover(PeerKind.Agent, PeerKind.Keepalived, Variants.V3FiftyMs, carrierOnly);
        var keepalived = _scenario.InterfaceDownFailover(PeerKind.Keepalived, PeerKind.Agent, Variants.V3FiftyMs, carrierOnly);
        output.WriteLine(
            $"INTERFACE-DOWN {(carrierOnly ? "carrier lost" : "eth0 down")} {Variants.V3FiftyMs}: master released the VIP after " +
            $"agent {Scenario.Ms(agent.Released)} / keepalived {Scenario.Ms(keepalived.Released)}; backup held it after " +
            $"{Scenario.Ms(agent.TakenOver)} (keepalived backup) / {Scenario.Ms(keepalived.TakenOver)} (agent backup); " +
            $"Master_Down_Interval {Scenario.Ms(agent.MasterDownInterval)}");
    }

    [LabFact]
    public void Link_down_with_one_second_adverts()
    {
        var took = _scenario.InterfaceDownFailover(PeerKind.Agent, PeerKind.Agent, Variants.V2OneSecond, carrierOnly: false);
        output.WriteLine($"INTERFACE-DOWN eth0 down {Variants.V2OneSecond}: agent pair: released {Scenario.Ms(took.Released)}, taken over {Scenario.Ms(took.TakenOver)} (Master_Down_Interval {Scenario.Ms(took.MasterDownInterval)})");
    }
}
