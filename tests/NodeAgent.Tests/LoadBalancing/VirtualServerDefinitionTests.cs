using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>How a configured real server becomes an IPVS destination (the kernel lab compares the result with keepalived's).</summary>
public class VirtualServerDefinitionTests
{
    [Theory]
    [InlineData("NAT", null, 8080)] // NAT rewrites the port: the real server's own
    [InlineData("DR", null, 80)] // DR and TUN cannot: the service's, as ipvsadm -g and keepalived program it
    [InlineData("TUN", null, 80)]
    [InlineData("DR", 7, 0)] // a firewall-mark service has no port: keepalived programs 0
    [InlineData("NAT", 7, 8080)]
    public void Only_NAT_real_servers_keep_their_own_port(string forwarding, int? fwmark, int expected)
    {
        var server = VirtualServerSamples.Web();
        server.Spec.Forwarding = forwarding;
        server.Spec.RealServers![0].Port = 8080;
        if (fwmark is { } mark)
        {
            server.Spec.Fwmark = mark;
            server.Spec.Port = null;
        }

        var definition = VirtualServerSamples.Definition(server);
        var destination = definition.Destination(definition.RealServers[0], 1);
        Assert.Equal(expected, destination.Port);
        Assert.Equal(8080, definition.RealServers[0].Port); // checks still reach the configured port
    }
}
