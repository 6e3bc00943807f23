using KeepOperator.Api;
using KeepOperator.Api.Instances;

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
            Instances = [.. instances.Select((name, i) => VirtualIpResolver.Resolve(
                new VirtualIp { Metadata = new ObjectMeta { Name = name, Generation = 1 }, Spec = new VirtualIpSpec { Addresses = [$"10.99.0.{10 + i}"] } },
                virtualRouterId: 10 + i,
                priority: 100,
                secretNamespace: "default"))],
        },
    };
}
