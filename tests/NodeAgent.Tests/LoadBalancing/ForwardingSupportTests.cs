using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;
using KeepOperator.NodeAgent.Tests.Hosting;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>DR and TUN without IPVS: refused, said so, never programmed as NAT.</summary>
public sealed class ForwardingSupportTests
{
    private static VirtualServerDefinition Definition(string name, int port, string forwarding)
    {
        var server = VirtualServerSamples.Web(name, port);
        server.Spec.Forwarding = forwarding;
        return VirtualServerSamples.Definition(server);
    }

    [Theory]
    [InlineData(DataplaneKind.Nftables, PacketForwarding.DirectRoute, true)]
    [InlineData(DataplaneKind.Nftables, PacketForwarding.Tunnel, true)]
    [InlineData(DataplaneKind.Nftables, PacketForwarding.Masquerade, false)]
    [InlineData(DataplaneKind.Ipvs, PacketForwarding.DirectRoute, false)]
    [InlineData(DataplaneKind.Ipvs, PacketForwarding.Tunnel, false)]
    public void Only_nftables_refuses_and_only_DR_and_TUN(DataplaneKind dataplane, PacketForwarding forwarding, bool refused) =>
        Assert.Equal(refused, ForwardingSupport.Refusal(dataplane, forwarding) is not null);

    [Fact]
    public void The_nftables_dry_run_says_refused_and_renders_only_the_NAT_server()
    {
        var (dr, nat) = (Definition("dr", 81, "DR"), Definition("nat", 80, "NAT"));
        var output = DryRun.Render([dr, nat], DataplaneKind.Nftables);

        Assert.StartsWith("# refused: default/dr (-t 10.77.0.250:81): forwarding DR needs IPVS", output, StringComparison.Ordinal);
        Assert.Contains(NftablesVirtualServerLayout.ChainName(nat.Key), output, StringComparison.Ordinal);
        Assert.DoesNotContain(NftablesVirtualServerLayout.ChainName(dr.Key), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_load_balancer_programs_the_rest_and_reports_the_refusal()
    {
        var dataplane = new FakeDataplane(); // nftables
        using var log = new CapturedLog();
        using var stop = new CancellationTokenSource();
        var balancer = new LoadBalancer(dataplane, new FakeChecker(), _ => [], TimeProvider.System, log.Log);
        var running = balancer.RunAsync(stop.Token);
        balancer.SetVirtualServers([Definition("dr", 81, "DR"), Definition("nat", 80, "NAT")]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (dataplane.Applied.Count == 0 || balancer.Status.VirtualServers.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "no update");
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await running;

        Assert.Equal([80], dataplane.Applied[0].Select(s => (int)s.Key.Port));
        var dr = balancer.Status.VirtualServers.Single(s => s.Name == "dr");
        Assert.StartsWith("forwarding DR needs IPVS", dr.Refused, StringComparison.Ordinal);
        Assert.Null(dr.RealServers);
        Assert.Null(balancer.Status.VirtualServers.Single(s => s.Name == "nat").Refused);
        Assert.True(log.Has("virtualserver-refused"));
    }
}
