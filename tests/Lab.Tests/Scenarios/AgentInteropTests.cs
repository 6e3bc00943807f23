using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// keepoperator-agent against Debian's keepalived 2.2.7 in a namespace lab. Needs root and keepalived (skipped
/// otherwise) and a working agent: before the agent is integrated they fail (it prints usage and exits 2);
/// filter them out with <c>--filter Category!=Agent</c> until then.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class AgentInteropTests(ITestOutputHelper output)
{
    private readonly Scenario _scenario = new(output);

    /// <summary>Scenario 1 (and 3): agent n1 (100) master, keepalived n2 (90) backup; kill -9 the agent.</summary>
    [LabTheory]
    [MemberData(nameof(Variants.All), MemberType = typeof(Variants))]
    public void Agent_master_keepalived_backup_then_kill9_agent(string variant) =>
        _scenario.KillMasterFailover(PeerKind.Agent, PeerKind.Keepalived, variant);

    /// <summary>Scenario 2 (and 3): keepalived n1 (100) master, agent n2 (90) backup; kill -9 keepalived.</summary>
    [LabTheory]
    [MemberData(nameof(Variants.All), MemberType = typeof(Variants))]
    public void Keepalived_master_agent_backup_then_kill9_keepalived(string variant) =>
        _scenario.KillMasterFailover(PeerKind.Keepalived, PeerKind.Agent, variant);

    /// <summary>Agent against agent, same checks.</summary>
    [LabTheory]
    [MemberData(nameof(Variants.All), MemberType = typeof(Variants))]
    public void Agent_master_agent_backup_then_kill9(string variant) =>
        _scenario.KillMasterFailover(PeerKind.Agent, PeerKind.Agent, variant);

    /// <summary>Scenario 4: SIGTERM on the agent master; keepalived takes over after Skew_Time.</summary>
    [LabTheory]
    [MemberData(nameof(Variants.OneSecond), MemberType = typeof(Variants))]
    public void Sigterm_agent_master_keepalived_takes_over_after_skew(string variant) =>
        _scenario.TermMasterSkewTakeover(PeerKind.Agent, PeerKind.Keepalived, variant);

    /// <summary>Scenario 4: SIGTERM on the keepalived master; the agent takes over after Skew_Time.</summary>
    [LabTheory]
    [MemberData(nameof(Variants.OneSecond), MemberType = typeof(Variants))]
    public void Sigterm_keepalived_master_agent_takes_over_after_skew(string variant) =>
        _scenario.TermMasterSkewTakeover(PeerKind.Keepalived, PeerKind.Agent, variant);

    /// <summary>kill -9 leaves the agent's VIP; the restarted agent (preempt off, now backup of keepalived) removes it.</summary>
    [LabFact]
    public void Agent_restart_after_kill9_removes_stale_vip() =>
        _scenario.Kill9LeavesVipRestartCleansIt(PeerKind.Agent, PeerKind.Keepalived);

    /// <summary>Scenario 5: v2 PASS mismatch, agent n1 (100) and keepalived n2 (90): drops logged, no flapping.</summary>
    [LabFact]
    public void Auth_mismatch_agent_first_logs_drops_and_does_not_flap() =>
        _scenario.AuthMismatchNoStorm(PeerKind.Agent, PeerKind.Keepalived);

    /// <summary>Scenario 5 the other way round: keepalived n1 (100), agent n2 (90).</summary>
    [LabFact]
    public void Auth_mismatch_keepalived_first_agent_logs_drops_and_does_not_flap() =>
        _scenario.AuthMismatchNoStorm(PeerKind.Keepalived, PeerKind.Agent);
}
