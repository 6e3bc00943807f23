using KeepOperator.Api;
using KeepOperator.NodeAgent.Tests.Health;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

/// <summary>The reconciler over in-memory fakes: writes only differences, records events once, deletes orphans.</summary>
public sealed class ReconcilerTests
{
    private sealed class FakeCluster : IClusterView, IClusterWriter, IEventSink
    {
        public List<VirtualIp> Vips { get; } = [];

        public List<NodeInfo> Nodes { get; } = [];

        public Dictionary<string, NodeAgentConfig> Configs { get; } = [];

        public List<string> Writes { get; } = [];

        public List<EventSpec> Events { get; } = [];

        public long PlanInputsVersion { get; set; }

        public ClusterState State() => new(Vips, Nodes, new Dictionary<string, IReadOnlySet<string>>());

        public VirtualIp? VirtualIp(string name) => Vips.FirstOrDefault(v => v.Metadata.Name == name);

        public NodeAgentConfig? NodeAgentConfig(string nodeName) => Configs.GetValueOrDefault(nodeName);

        public VirtualServer? VirtualServer(string key) => null;

        public bool NodeExists(string nodeName) => Nodes.Any(n => n.Name == nodeName);

        public Task WriteStatusAsync(VirtualIp vip, VirtualIpStatus status, CancellationToken cancellationToken)
        {
            Writes.Add("status " + vip.Metadata.Name);
            vip.Status = status;
            return Task.CompletedTask;
        }

        public Task WriteVirtualServerStatusAsync(VirtualServer server, VirtualServerStatus status, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("these tests have no VirtualServers");

        public Task CreateNodeAgentConfigAsync(string nodeName, NodeAgentConfigSpec spec, CancellationToken cancellationToken)
        {
            Writes.Add("create " + nodeName);
            Configs[nodeName] = new NodeAgentConfig { Metadata = new ObjectMeta { Name = nodeName }, Spec = spec };
            return Task.CompletedTask;
        }

        public Task UpdateNodeAgentConfigSpecAsync(NodeAgentConfig existing, NodeAgentConfigSpec spec, CancellationToken cancellationToken)
        {
            Writes.Add("update " + existing.Metadata.Name);
            existing.Spec = spec;
            return Task.CompletedTask;
        }

        public Task DeleteNodeAgentConfigAsync(string nodeName, CancellationToken cancellationToken)
        {
            Writes.Add("delete " + nodeName);
            Configs.Remove(nodeName);
            return Task.CompletedTask;
        }

        public Task RecordAsync(EventSubject subject, EventSpec e, CancellationToken cancellationToken)
        {
            Events.Add(e);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task WritesOnlyDifferences_AndRecordsEachEventOnce()
    {
        var cluster = new FakeCluster();
        cluster.Nodes.Add(Node("n1"));
        cluster.Vips.Add(Vip("web"));
        var clock = new ManualTimeProvider();
        var queued = new List<ReconcileKey>();
        var reconciler = new Reconciler(cluster, cluster, cluster, new PlannerOptions(), clock, TimeSpan.FromSeconds(30), keys => queued.AddRange(keys));

        await reconciler.ReconcileAsync(ReconcileKey.Plan, CancellationToken.None);
        Assert.Equal([ReconcileKey.Node("n1"), ReconcileKey.VirtualIp("web")], queued.OrderBy(k => k.ToString(), StringComparer.Ordinal));

        await reconciler.ReconcileAsync(ReconcileKey.Node("n1"), CancellationToken.None);
        await reconciler.ReconcileAsync(ReconcileKey.Node("n1"), CancellationToken.None);
        await reconciler.ReconcileAsync(ReconcileKey.VirtualIp("web"), CancellationToken.None);
        Assert.Equal(["create n1", "status web"], cluster.Writes);
        Assert.Empty(cluster.Events);

        var config = cluster.Configs["n1"];
        config.Status = new NodeAgentConfigStatus
        {
            LastHeartbeatTime = clock.GetUtcNow(),
            Instances = [new NodeInstanceStatus { Name = "web", State = "Master", Priority = 100, EffectivePriority = 100 }],
        };
        await reconciler.ReconcileAsync(ReconcileKey.VirtualIp("web"), CancellationToken.None);
        await reconciler.ReconcileAsync(ReconcileKey.VirtualIp("web"), CancellationToken.None);
        Assert.Equal(["create n1", "status web", "status web"], cluster.Writes);
        Assert.Equal("MasterChanged", Assert.Single(cluster.Events).Reason);

        // the heartbeat goes stale: the next resync says so
        clock.Advance(TimeSpan.FromSeconds(31));
        await reconciler.ReconcileAsync(ReconcileKey.VirtualIp("web"), CancellationToken.None);
        Assert.Null(cluster.Vips[0].Status!.Master);
        Assert.Equal("no node is master (was n1)", cluster.Events[^1].Message);
    }

    [Fact]
    public async Task DeletedNode_LosesItsConfig_DeletedVirtualIp_IsNotFoundNotAnError()
    {
        var cluster = new FakeCluster();
        cluster.Configs["gone"] = new NodeAgentConfig { Metadata = new ObjectMeta { Name = "gone" } };
        var reconciler = new Reconciler(cluster, cluster, cluster, new PlannerOptions(), TimeProvider.System, TimeSpan.FromSeconds(30), _ => { });
        await reconciler.ReconcileAsync(ReconcileKey.Node("gone"), CancellationToken.None);
        await reconciler.ReconcileAsync(ReconcileKey.VirtualIp("web"), CancellationToken.None);
        Assert.Equal(["delete gone"], cluster.Writes);
    }
}
