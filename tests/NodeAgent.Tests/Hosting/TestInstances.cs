using System.Net;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Netlink;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>Instance settings resolved the way the agent resolves them, on a made-up host with eth0 in 10.99.0.0/24.</summary>
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

    public static VrrpInstanceSettings Settings(string name, int vrid, int priority = 100, string vip = "10.99.0.250", Action<VirtualIpSpec>? change = null)
    {
        var result = InstanceResolver.Resolve(new VirtualIp { Metadata = new ObjectMeta { Name = name }, Spec = Spec(vrid, priority, vip, change) }, "n1", Host);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Settings!;
    }
}
