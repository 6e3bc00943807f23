using KeepOperator.Api;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Tests;

/// <summary>Small builders for VirtualIps, nodes and agent reports.</summary>
internal static class TestObjects
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static VirtualIp Vip(
        string name,
        string address = "10.0.0.10",
        int? vrid = null,
        string? iface = null,
        (string Node, int Priority)[]? priorities = null,
        Dictionary<string, string>? selector = null,
        int createdSecond = 0) => new()
        {
            Metadata = new ObjectMeta { Name = name, Generation = 1, Uid = "uid-" + name, CreationTimestamp = Epoch.AddSeconds(createdSecond) },
            Spec = new VirtualIpSpec
            {
                Addresses = [address],
                Interface = iface,
                VirtualRouterId = vrid,
                Priorities = priorities?.Select(p => new NodePriority { NodeName = p.Node, Priority = p.Priority }).ToList(),
                NodeSelector = selector,
            },
        };

    public static NodeInfo Node(string name, bool cordoned = false, params (string Key, string Value)[] labels) =>
        new(name, labels.ToDictionary(l => l.Key, l => l.Value), cordoned);

    public static ClusterState State(IEnumerable<VirtualIp> vips, IEnumerable<NodeInfo> nodes, Dictionary<string, IReadOnlySet<string>>? secrets = null) =>
        new(vips.ToList(), nodes.ToList(), secrets ?? []);

    public static NodeAgentConfig Report(string node, DateTimeOffset heartbeat, params (string Vip, string State)[] instances) => new()
    {
        Metadata = new ObjectMeta { Name = node },
        Status = new NodeAgentConfigStatus
        {
            LastHeartbeatTime = heartbeat,
            Instances = instances.Select(i => new NodeInstanceStatus { Name = i.Vip, State = i.State, Priority = 100, EffectivePriority = 100, LastTransitionTime = heartbeat }).ToList(),
        },
    };
}
