using System.Diagnostics;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// The whole system as a user drives it (<see cref="EndToEndCluster"/>): a VirtualIp applied with the real kubectl,
/// the operator turning it into NodeAgentConfigs, two cluster-mode agents (n1 at 100, n2 at 90) running VRRP and
/// reporting back; the VirtualIp's status read back with kubectl through a failover.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const string Vip = "10.77.0.250";

    // Master_Down_Interval of n2 (priority 90, advert 1 s): 3 * 1 s + (256 - 90) / 256 s.
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(3 + (256 - 90) / 256.0);

    [LabFact]
    public void Kubectl_applies_a_virtual_ip_the_agents_elect_a_master_and_the_status_follows_a_failover()
    {
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var cluster = EndToEndCluster.Start(lab);

        // Applied -> n1 master, n2 backup, shown by kubectl.
        var clock = Stopwatch.StartNew();
        cluster.Apply("web", EndToEndCluster.VirtualIp("web", Vip, 51, 100));
        var shown = Wait.Until(() => cluster.Row("web") is { } r && r["MASTER"] == "n1" && r["BACKUPS"].Contains("n2", StringComparison.Ordinal), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
        Assert.True(shown is not null, "kubectl get virtualips did not show MASTER n1 / BACKUPS n2 within 5 s\n" + cluster.Describe());
        lab.Log($"apply -> MASTER n1 shown: {clock.ElapsedMilliseconds} ms");
        Assert.Equal("n1", cluster.Status("web")?["master"]?.GetValue<string>());
        Assert.Equal([n1], lab.Holders(Vip));

        // The passwordSecretRef names no namespace: the operator fills in its own, and the agents read the Secret there.
        var advert = Sh.Run("ip", ["netns", "exec", lab.Client.Namespace, "tcpdump", "-n", "-v", "-l", "-c", "1", "-i", "eth0", "ip proto 112"], TimeSpan.FromSeconds(5));
        Assert.True(advert.Ok, $"no VRRP advert seen on the client: {advert.StdErr}");
        Assert.Contains($"auth \"{EndToEndCluster.VrrpPassword}\"", advert.StdOut, StringComparison.Ordinal);

        // n1 dies silently, with the operator's default 30 s heartbeat timeout: n1's Master claim stops counting the
        // moment n2 reports a later takeover than n1's last word (StatusAggregator), not 30 s later.
        cluster.Agent(n1).Kill9();
        var failover = Stopwatch.StartNew();
        var moved = Wait.UntilFrom(failover, () => cluster.Row("web") is { } r && r["MASTER"] == "n2", FailoverBound + TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        Assert.True(moved is not null, $"kubectl get virtualips did not show MASTER n2 within {(FailoverBound + TimeSpan.FromSeconds(2)).TotalMilliseconds:0} ms of the kill\n" + cluster.Describe());
        lab.Log($"kill -9 n1 -> MASTER n2 shown: {moved?.TotalMilliseconds:0} ms (failover bound {FailoverBound.TotalMilliseconds:0} ms)");
        var n1Entry = cluster.Status("web")?["nodes"]?.AsArray().FirstOrDefault(n => n?["name"]?.GetValue<string>() == "n1");
        Assert.True(n1Entry is not null, "no n1 in .status.nodes\n" + cluster.Describe());
        Assert.NotEqual("Master", n1Entry["state"]?.GetValue<string>());
        Assert.True(lab.HasAddress(n2, Vip), "n2 does not hold the VIP\n" + cluster.Describe()); // n1's stays behind: nothing removes it after kill -9

        // The schema rejects a priority out of range, naming the field.
        var invalid = cluster.Kubectl("apply", "-f", lab.WriteFile("bad.yaml", EndToEndCluster.VirtualIp("bad", Vip, 51, 300)));
        Assert.False(invalid.Ok, "priority 300 was accepted: " + invalid.StdOut);
        Assert.Contains("spec.priorities[0].priority", invalid.StdErr, StringComparison.Ordinal);
    }
}
