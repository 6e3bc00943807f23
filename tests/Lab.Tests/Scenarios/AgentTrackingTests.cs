using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// The seed's check_m.sh, the Kubernetes way: the agent on n1 (priority 100) tracks a local TCP port with weight -20,
/// keepalived on n2 has 90. While nothing listens on n1's port, n1 runs at 80 and keepalived is master; once a
/// server listens there, n1 is back at 100 and preempts; when the server goes away again, n1 drops to 80 and
/// keepalived takes the VIP back.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class AgentTrackingTests(ITestOutputHelper output)
{
    private const int TrackedPort = 8080;

    [LabFact]
    public void Failing_track_lowers_priority_below_the_backup_and_recovery_preempts()
    {
        var spec = Variants.Spec(Variants.V2OneSecond) with { Track = new TcpTrack(TrackedPort, -20) };
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var agent = AgentPeer.Start(lab, n1, spec);
        var keepalived = KeepalivedPeer.Start(lab, n2, spec);
        var takeover = spec.MasterDownInterval(90) + TimeSpan.FromSeconds(5);

        Assert.True(Wait.Until(() => lab.HasAddress(n2, spec.Vip), takeover) is not null,
            $"keepalived (90) never became master although the agent's track fails (100 - 20 = 80)\n{agent.Describe()}");
        Assert.False(lab.HasAddress(n1, spec.Vip), "the agent holds the VIP while its tracked port is closed");

        var server = lab.Start(n1, "tracked-server", "python3", ["-m", "http.server", TrackedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1"]);
        var preempt = spec.MasterDownInterval(100) + TimeSpan.FromSeconds(3);
        Assert.True(Wait.Until(() => lab.HasAddress(n1, spec.Vip) && !lab.HasAddress(n2, spec.Vip), preempt) is not null,
            $"the agent did not take the VIP back once its tracked port answered\n{agent.Describe()}");
        Assert.Contains(agent.EventsOf("track"), e => e.GetValueOrDefault("state") == "Ok");

        server.Kill();
        Assert.True(Wait.Until(() => lab.HasAddress(n2, spec.Vip) && !lab.HasAddress(n1, spec.Vip), takeover) is not null,
            $"keepalived did not take the VIP again after the agent's tracked port closed\n{agent.Describe()}");
        Assert.Contains(agent.Transitions, t => t.GetValueOrDefault("from") == "Master" && t.GetValueOrDefault("to") == "Backup");
        GC.KeepAlive(keepalived);
    }
}
