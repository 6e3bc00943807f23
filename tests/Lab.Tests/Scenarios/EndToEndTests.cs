using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// The whole system as a user drives it: the repository's CRDs, Nodes, a Secret and a VirtualIp applied with the real
/// kubectl to a LocalCluster in the lab's switch namespace (see <see cref="ClusterAgentApiServer"/>), the operator
/// beside it turning the VirtualIp into NodeAgentConfigs, and two cluster-mode agents (n1 at 100, n2 at 90) in their
/// node namespaces running VRRP and reporting back; the VirtualIp's status is read back with kubectl.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const string Kubectl = "/usr/bin/kubectl";

    // Master_Down_Interval of n2 (priority 90, advert 1 s): 3 * 1 s + (256 - 90) / 256 s.
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(3 + (256 - 90) / 256.0);

    private const string Cluster = """
        apiVersion: v1
        kind: Node
        metadata:
          name: n1
        ---
        apiVersion: v1
        kind: Node
        metadata:
          name: n2
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: vrrp
          namespace: default
        stringData:
          password: lll
        """;

    private const string WebTemplate = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIp
        metadata:
          name: NAME
        spec:
          addresses: ["10.77.0.250"]
          interface: eth0
          vrrpVersion: 2
          advertInterval: 1s
          virtualRouterId: 51
          authentication:
            type: PASS
            passwordSecretRef: {namespace: default, name: vrrp, key: password}
          priorities:
          - {nodeName: n1, priority: N1PRIORITY}
          - {nodeName: n2, priority: 90}
        """;

    private static string VirtualIp(string name, int n1Priority) =>
        WebTemplate.Replace("NAME", name, StringComparison.Ordinal).Replace("N1PRIORITY", n1Priority.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    [LabFact]
    public void Kubectl_applies_a_virtual_ip_the_agents_elect_a_master_and_the_status_follows_a_failover()
    {
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var api = ClusterAgentApiServer.Start(lab);
        var sw = new LabNode("switch", lab.SwitchNamespace, ClusterAgentApiServer.Address, "", "");
        var home = Directory.CreateDirectory(Path.Combine(lab.TempDir, "home")).FullName; // kubectl's discovery cache

        Sh.Result Run(params string[] args) =>
            Sh.Run("ip", ["netns", "exec", lab.SwitchNamespace, "env", "HOME=" + home, Kubectl, "--kubeconfig", api.Kubeconfig, .. args]);
        string Check(params string[] args)
        {
            var r = Run(args);
            Assert.True(r.Ok, $"kubectl {string.Join(' ', args)} failed ({r.ExitCode}): {r.StdOut}{r.StdErr}");
            return r.StdOut;
        }

        Check("apply", "-f", Path.Combine(ClusterAgentApiServer.RepositoryRoot(), "deploy", "crds"));
        Check("apply", "-f", lab.WriteFile("cluster.yaml", Cluster));

        var operatorDll = ClusterAgentApiServer.BuildOutput(Path.Combine("src", "Operator"), "keepoperator.dll");
        var op = lab.Start(sw, lab.UniqueName("operator"), Sh.Which("dotnet") ?? "dotnet",
            [operatorDll, "run", "--kubeconfig", api.Kubeconfig, "--leader-election-namespace", "default"]);

        // The operator creates a NodeAgentConfig per Node. An agent started before its object exists reports only at its
        // next heartbeat, 10 s later, so the agents start once the objects are there.
        Assert.True(Wait.Until(() => Run("get", "nodeagentconfig", "n1", "n2").Ok, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200)) is not null,
            "the operator created no NodeAgentConfigs\n" + string.Join("\n", op.AllLines.TakeLast(20)));
        var a1 = AgentPeer.StartCluster(lab, n1, api.Kubeconfig);
        var a2 = AgentPeer.StartCluster(lab, n2, api.Kubeconfig);
        string Describe() => a1.Describe() + "\n" + a2.Describe() + "\noperator:\n  " + string.Join("\n  ", op.AllLines.TakeLast(15))
            + "\n" + Run("get", "virtualips", "-o", "yaml").StdOut;
        Assert.True(Wait.Until(() => Heartbeat("n1") is not null && Heartbeat("n2") is not null, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200)) is not null,
            "the agents did not report\n" + Describe());

        // 2. Applied -> n1 master, n2 backup, shown by kubectl.
        var clock = Stopwatch.StartNew();
        Check("apply", "-f", lab.WriteFile("web.yaml", VirtualIp("web", 100)));
        var shown = Wait.Until(() => Row("web") is { } r && r["MASTER"] == "n1" && r["BACKUPS"].Contains("n2", StringComparison.Ordinal), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
        Assert.True(shown is not null, "kubectl get virtualips did not show MASTER n1 / BACKUPS n2 within 5 s\n" + Describe());
        lab.Log($"apply -> MASTER n1 shown: {clock.ElapsedMilliseconds} ms");
        Assert.Equal("n1", Status("web")?["master"]?.GetValue<string>());
        Assert.Equal([n1], lab.Holders("10.77.0.250"));

        // 3. n1 dies silently, with the operator's default 30 s heartbeat timeout: n1's Master claim stops counting the
        // moment n2 reports a later takeover than n1's last word (StatusAggregator), not 30 s later.
        a1.Kill9();
        var failover = Stopwatch.StartNew();
        var moved = Wait.UntilFrom(failover, () => Row("web") is { } r && r["MASTER"] == "n2", FailoverBound + TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        Assert.True(moved is not null, $"kubectl get virtualips did not show MASTER n2 within {(FailoverBound + TimeSpan.FromSeconds(2)).TotalMilliseconds:0} ms of the kill\n" + Describe());
        lab.Log($"kill -9 n1 -> MASTER n2 shown: {moved?.TotalMilliseconds:0} ms (failover bound {FailoverBound.TotalMilliseconds:0} ms)");
        var n1Entry = Status("web")?["nodes"]?.AsArray().FirstOrDefault(n => n?["name"]?.GetValue<string>() == "n1");
        Assert.True(n1Entry is not null, "no n1 in .status.nodes\n" + Describe());
        Assert.NotEqual("Master", n1Entry["state"]?.GetValue<string>());
        Assert.True(lab.HasAddress(n2, "10.77.0.250"), "n2 does not hold the VIP\n" + Describe()); // n1's stays behind: nothing removes it after kill -9

        // 4. The schema rejects a priority out of range, naming the field.
        var invalid = Run("apply", "-f", lab.WriteFile("bad.yaml", VirtualIp("bad", 300)));
        Assert.False(invalid.Ok, "priority 300 was accepted: " + invalid.StdOut);
        Assert.Contains("spec.priorities[0].priority", invalid.StdErr, StringComparison.Ordinal);

        // Reads go through kubectl too; null (rather than a failure) while the object is not there yet.
        DateTimeOffset? Heartbeat(string node)
        {
            var r = Run("get", "nodeagentconfig", node, "-o", "jsonpath={.status.lastHeartbeatTime}");
            return r.Ok && DateTimeOffset.TryParse(r.StdOut, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        }

        JsonNode? Status(string name) => JsonNode.Parse(Check("get", "vip", name, "-o", "json"))?["status"];

        // The table as printed (NAME ADDRESS VRID MASTER BACKUPS READY AGE), by header; no cell holds a space.
        Dictionary<string, string>? Row(string name)
        {
            var r = Run("get", "virtualips");
            var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
            var row = lines.Skip(1).FirstOrDefault(f => f[0] == name);
            return !r.Ok || row is null || row.Length != lines[0].Length ? null : lines[0].Zip(row).ToDictionary(p => p.First, p => p.Second);
        }
    }
}
