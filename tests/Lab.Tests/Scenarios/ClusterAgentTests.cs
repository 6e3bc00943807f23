using System.Diagnostics;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Two agents in cluster mode (n1 at 100, n2 at 90) following their NodeAgentConfigs on a LocalCluster inside the
/// lab's switch namespace (see <see cref="ClusterAgentApiServer"/>): config changes applied live without flapping the
/// instances already running, status reported, and VRRP carrying on while the API server is down.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class ClusterAgentTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StatusDelay = TimeSpan.FromSeconds(2);

    /// <summary>What the operator sends a node: the VirtualIp resolved with its VRID and the node's priority.</summary>
    private static VrrpInstance Instance(string name, int vrid, string vip, int priority) => VirtualIpResolver.Resolve(
        new VirtualIp
        {
            Metadata = new ObjectMeta { Name = name, Generation = 1 },
            Spec = new VirtualIpSpec { Addresses = [vip], Interface = "eth0", VrrpVersion = 2, AdvertInterval = "1s" },
        },
        vrid,
        priority,
        "default");

    private static NodeAgentConfig Config(LabNode node, int priority, bool withDb) => new()
    {
        Metadata = new ObjectMeta { Name = node.Name },
        Spec = new NodeAgentConfigSpec
        {
            Instances = withDb
                ? [Instance("web", 51, "10.77.0.250", priority), Instance("db", 52, "10.77.0.251", priority)]
                : [Instance("web", 51, "10.77.0.250", priority)],
        },
    };

    private static int Transitions(AgentPeer agent, string instance) => agent.Transitions.Count(t => t.GetValueOrDefault("instance") == instance);

    [LabFact]
    public void Config_applied_live_status_reported_and_vrrp_survives_the_api_server()
    {
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var api = ClusterAgentApiServer.Start(lab);
        api.Create(Config(n1, 100, withDb: false));
        api.Create(Config(n2, 90, withDb: false));

        var a1 = AgentPeer.StartCluster(lab, n1, api.Kubeconfig);
        var a2 = AgentPeer.StartCluster(lab, n2, api.Kubeconfig);
        string Describe() => a1.Describe() + "\n" + a2.Describe();

        var vip = Wait.Until(() => lab.HasAddress(n1, "10.77.0.250"), TimeSpan.FromSeconds(15));
        Assert.True(vip is not null, "n1 did not take web's VIP\n" + Describe());
        var sw = Stopwatch.StartNew();
        var reported = Wait.Until(() => api.ReportedState("n1", "web") == "Master" && api.ReportedState("n2", "web") == "Backup", StatusDelay);
        lab.Log($"status n1 Master / n2 Backup reported {sw.ElapsedMilliseconds} ms after n1 held the VIP");
        Assert.True(reported is not null, $"status: n1 {api.ReportedState("n1", "web")}, n2 {api.ReportedState("n2", "web")}\n" + Describe());
        Assert.Empty(lab.Holders("10.77.0.251"));

        // A second instance on both nodes: web keeps running untouched.
        var (web1, web2) = (Transitions(a1, "web"), Transitions(a2, "web"));
        api.ReplaceSpec(Config(n1, 100, withDb: true));
        api.ReplaceSpec(Config(n2, 90, withDb: true));
        Assert.True(Wait.Until(() => lab.HasAddress(n1, "10.77.0.251") && api.ReportedState("n2", "db") == "Backup", TimeSpan.FromSeconds(10)) is not null,
            "db did not come up on n1\n" + Describe());
        Assert.Equal((web1, web2), (Transitions(a1, "web"), Transitions(a2, "web")));
        Assert.Equal([n1], lab.Holders("10.77.0.250"));

        // API server gone: VRRP carries on with the last configuration.
        api.Kill9();
        Assert.True(Wait.HoldsFor(() => lab.Holders("10.77.0.250").SequenceEqual([n1]) && lab.Holders("10.77.0.251").SequenceEqual([n1]), TimeSpan.FromSeconds(4)),
            "the VIPs moved while the API server was down\n" + Describe());
        Assert.False(a1.HasExited || a2.HasExited, Describe());
        Assert.Equal((web1, web2), (Transitions(a1, "web"), Transitions(a2, "web")));

        // n1 dies too: n2 takes both VIPs without any API server.
        a1.Kill9();
        Assert.True(Wait.Until(() => lab.HasAddress(n2, "10.77.0.250") && lab.HasAddress(n2, "10.77.0.251"), TimeSpan.FromSeconds(6)) is not null,
            "n2 did not take over with the API server down\n" + Describe());

        // The API server comes back: n2 reports its new state.
        api.Restart();
        var caughtUp = Wait.Until(() => api.ReportedState("n2", "web") == "Master" && api.ReportedState("n2", "db") == "Master", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));
        Assert.True(caughtUp is not null, $"n2's status after the API server returned: web {api.ReportedState("n2", "web")}, db {api.ReportedState("n2", "db")}\n" + Describe());
        lab.Log($"n2's status caught up {caughtUp?.TotalMilliseconds:0} ms after the API server restarted");
    }
}
