using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.Api.Vocabulary;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Tests.Kube;
using KeepOperator.NodeAgent.Tests.LoadBalancing;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Hosting.TestInstances;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>Cluster mode end to end against an in-process LocalCluster, with the real loop on a faked host.</summary>
public sealed class ClusterAgentTests
{
    private static NodeAgentConfig Config(params (string Name, VirtualIpSpec Spec)[] instances) => new()
    {
        Metadata = new ObjectMeta { Name = "n1" },
        Spec = new NodeAgentConfigSpec { Instances = [.. instances.Select(i => Instance(i.Name, i.Spec))] },
    };

    private static async Task Until(Func<Task<bool>> condition, string what, CapturedLog log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; log:\n{log}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task RunsWhatItsObjectSays_Reports_KeepsRunningWithoutTheApi_StopsWhenTheObjectIsDeleted()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.CreateConfigAsync(Config(("web", Spec(51)), ("bad", Spec(52, vip: "10.99.0.251", change: s => s.Interface = "eth9"))));
        var log = new CapturedLog();
        var host = new FakeHost(log);
        using var client = cluster.NewClient();
        await using var agent = new VrrpAgent(host, TimeProvider.System, log.Log);
        var loop = agent.RunAsync();
        var clusterAgent = new ClusterAgent(client, agent, "n1", host, TimeProvider.System, log.Log);
        using var stop = new CancellationTokenSource();
        var running = clusterAgent.RunAsync(stop.Token);

        async Task<NodeAgentConfigStatus?> Status() =>
            (await client.GetAsync(NodeConfigSource.ObjectPath("n1"), ApiJsonContext.Default.NodeAgentConfig, default))?.Status;

        await Until(async () => (await Status())?.Instances is [{ Name: "web", State: "Master" }, { Name: "bad", State: "Stopped" }], "web reported Master", log);
        var status = (await Status())!;
        Assert.Equal(1, status.ObservedGeneration);
        Assert.Contains("eth9", status.Instances![1].Message, StringComparison.Ordinal);
        Assert.True(host.Holds("10.99.0.250"));

        await cluster.StopAsync();
        await Task.Delay(1500);
        Assert.True(host.Holds("10.99.0.250") && agent.Snapshots["web"].State == VrrpState.Master, "the API server going away must not stop an instance\n" + log);

        await cluster.RestartAsync();
        await cluster.DeleteAsync(NodeConfigSource.ObjectPath("n1"));
        await Until(() => Task.FromResult(!host.Holds("10.99.0.250") && agent.Snapshots.Count == 0), "web stopped after the object was deleted", log);
        Assert.True(log.Has("kube-config-deleted"));

        await stop.CancelAsync();
        await running;
        agent.RequestShutdown();
        await loop;
    }

    [Fact]
    public async Task Programs_the_virtual_servers_of_its_VirtualIps_and_its_static_ones_and_reports_them()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var config = Config(("web", Spec(51)), ("bad", Spec(52, vip: "10.99.0.251", change: s => s.Interface = "eth9")));
        VirtualServerInstance Server(string name, string vip) => VirtualServerResolver.Resolve(
            new VirtualServer
            {
                Metadata = new ObjectMeta { Namespace = "default", Name = name },
                Spec = new VirtualServerSpec { VirtualIpRef = vip, Port = 80, RealServers = [new RealServer { Address = "10.99.0.11" }] },
            },
            new VirtualIp { Metadata = new ObjectMeta { Name = vip }, Spec = Spec(vip == "web" ? 51 : 52, vip: vip == "web" ? "10.99.0.250" : "10.99.0.251") });
        // The third is wrong (edited by hand): its VirtualIp holds no such address, which the node checks against the instance it runs.
        // The fourth is static: on the node's own address, whatever VirtualIps run.
        var staticServer = VirtualServerResolver.Resolve(
            new VirtualServer { Metadata = new ObjectMeta { Namespace = "default", Name = "static-53" }, Spec = new VirtualServerSpec { Address = "10.99.0.40", Port = 53, RealServers = [new RealServer { Address = "10.99.0.12" }] } },
            null);
        config.Spec.VirtualServers = [Server("web-80", "web"), Server("on-bad", "bad"), Server("not-the-vip", "web") with { Address = System.Net.IPAddress.Parse("10.99.0.77") }, staticServer];
        await cluster.CreateConfigAsync(config);
        var log = new CapturedLog();
        var host = new FakeHost(log);
        using var client = cluster.NewClient();
        await using var agent = new VrrpAgent(host, TimeProvider.System, log.Log);
        var loop = agent.RunAsync();
        var dataplane = new FakeDataplane();
        var balancer = new LoadBalancer(dataplane, new FakeChecker(), _ => [], TimeProvider.System, log.Log);
        var choice = new DataplaneChoice(DataplaneKind.Nftables, "requested with --dataplane nftables");
        var clusterAgent = new ClusterAgent(client, agent, "n1", host, TimeProvider.System, log.Log, new LoadBalancingContext(balancer, choice, null));
        using var stop = new CancellationTokenSource();
        var balancing = balancer.RunAsync(stop.Token);
        var running = clusterAgent.RunAsync(stop.Token);

        async Task<NodeAgentConfigStatus?> Status() =>
            (await client.GetAsync(NodeConfigSource.ObjectPath("n1"), ApiJsonContext.Default.NodeAgentConfig, default))?.Status;

        await Until(async () => (await Status())?.VirtualServers is [{ Name: "web-80" }, { Name: "static-53" }], "web-80 and static-53 reported", log);
        var status = (await Status())!;
        Assert.Equal("nftables (requested with --dataplane nftables)", status.Dataplane);
        Assert.Equal([("10.99.0.11", 80, true, 1)], status.VirtualServers![0].RealServers!.Select(r => (r.Address, r.Port ?? 0, r.Healthy, r.Weight ?? -1)));
        var condition = Assert.Single(status.Conditions!);
        Assert.Equal((ConditionTypes.VirtualServersValid, "False"), (condition.Type, condition.Status));
        Assert.StartsWith("default/not-the-vip: spec.address: 10.99.0.77 is not an address of VirtualIp \"web\"", condition.Message, StringComparison.Ordinal);
        Assert.Equal(["-t 10.99.0.250:80", "-t 10.99.0.40:53"], dataplane.Applied[^1].Select(s => s.Key.ToString()));

        await stop.CancelAsync();
        await Task.WhenAll(running, balancing);
        Assert.True(dataplane.Removed);
        agent.RequestShutdown();
        await loop;
    }
}
