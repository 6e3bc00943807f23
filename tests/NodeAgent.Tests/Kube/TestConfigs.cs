using KeepOperator.Api;

namespace KeepOperator.NodeAgent.Tests.Kube;

/// <summary>NodeAgentConfigs as the operator would render them, for tests.</summary>
public static class TestConfigs
{
    /// <summary>One instance per name: VIP 10.99.0.(10+i), VRID 10+i, this node at priority 100.</summary>
    public static NodeAgentConfig ForNode(string node, params string[] instances) => new()
    {
        Metadata = new ObjectMeta { Name = node },
        Spec = new NodeAgentConfigSpec
        {
            Instances = [.. instances.Select((name, i) => new NodeVrrpInstance
            {
                Name = name,
                Generation = 1,
                Spec = new VirtualIpSpec { Addresses = [$"10.99.0.{10 + i}"], VirtualRouterId = 10 + i, Priorities = [new NodePriority { NodeName = node, Priority = 100 }] },
            })],
        },
    };
}
