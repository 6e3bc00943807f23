using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Netlink;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>Instances resolved as the operator resolves them and bound as the agent binds them, on a made-up host with eth0 in 10.99.0.0/24.</summary>
public static class TestInstances
{
    public static readonly IReadOnlyList<InterfaceAddress> Host =
    [
        new(2, "eth0", IPAddress.Parse("10.99.0.1"), 24),
        new(3, "eth1", IPAddress.Parse("10.98.0.1"), 24),
    ];

    /// <summary>VRRPv3 at 10 ms by default, so a lone instance becomes master within a few tens of milliseconds.</summary>
    public static VirtualIpSpec Spec(int vrid, int priority = 100, string vip = "10.99.0.250", Action<VirtualIpSpec>? change = null)
    {
        var spec = new VirtualIpSpec
        {
            Addresses = [vip],
            VirtualRouterId = vrid,
            VrrpVersion = 3,
            AdvertInterval = "10ms",
            Priorities = [new NodePriority { NodeName = "n1", Priority = priority }],
        };
        change?.Invoke(spec);
        return spec;
    }

    /// <summary>The instance the operator would send node n1 for this spec (its VRID, n1's priority).</summary>
    public static VrrpInstance Instance(string name, VirtualIpSpec spec, long? generation = 1) =>
        VirtualIpResolver.Resolve(new VirtualIp { Metadata = new ObjectMeta { Name = name, Generation = generation }, Spec = spec }, spec.VirtualRouterId!.Value, VirtualIpResolver.PriorityFor(spec, "n1"), "default");

    public static VrrpInstanceSettings Settings(string name, int vrid, int priority = 100, string vip = "10.99.0.250", Action<VirtualIpSpec>? change = null)
    {
        var result = InstanceBinder.Bind(Instance(name, Spec(vrid, priority, vip, change)), Host);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Settings!;
    }
}
