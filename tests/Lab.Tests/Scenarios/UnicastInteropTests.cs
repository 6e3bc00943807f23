using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Unicast VRRP (issue 13) between keepoperator-agent and Debian's keepalived (unicast_src_ip / unicast_peer), in a lab
/// whose switch drops multicast VRRP. v2 is IPv4 only; v3 runs over IPv4 and IPv6. Each test kills the master one way
/// round and then the other and prints both failover times side by side: the agent's takeover and keepalived's.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class UnicastInteropTests(ITestOutputHelper output)
{
    private readonly Scenario _scenario = new(output);

    [LabTheory]
    [MemberData(nameof(Variants.All), MemberType = typeof(Variants))]
    public void Unicast_kill9_master_failover_both_ways(string variant)
    {
        var keepalivedTakes = _scenario.UnicastKillMasterFailover(PeerKind.Agent, PeerKind.Keepalived, variant);
        var agentTakes = _scenario.UnicastKillMasterFailover(PeerKind.Keepalived, PeerKind.Agent, variant);
        output.WriteLine(
            $"FAILOVER unicast {variant}: kill -9 master -> backup holds the VIP: agent backup {Scenario.Ms(agentTakes.Took)}, " +
            $"keepalived backup {Scenario.Ms(keepalivedTakes.Took)} (Master_Down_Interval {Scenario.Ms(agentTakes.MasterDownInterval)})");
    }

    [LabTheory]
    [MemberData(nameof(Variants.All), MemberType = typeof(Variants))]
    public void Unicast_agent_pair_fails_over(string variant)
    {
        var took = _scenario.UnicastKillMasterFailover(PeerKind.Agent, PeerKind.Agent, variant);
        output.WriteLine($"FAILOVER unicast {variant}: agent master, agent backup: {Scenario.Ms(took.Took)} (Master_Down_Interval {Scenario.Ms(took.MasterDownInterval)})");
    }
}
