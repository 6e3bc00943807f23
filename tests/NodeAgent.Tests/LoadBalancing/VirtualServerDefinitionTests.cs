using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>How a resolved virtual server becomes an IPVS service and destinations (the kernel lab compares the result with keepalived's).</summary>
public class VirtualServerDefinitionTests
{
    private static VirtualServerInstance Web() => VirtualServerSamples.Resolved(VirtualServerSamples.Web());

    [Fact]
    public void The_service_carries_the_resolved_settings()
    {
        var definition = new VirtualServerDefinition(Web() with
        {
            Protocol = VirtualServerProtocol.Udp,
            Scheduler = "sh",
            Forwarding = ForwardingMethod.Tunnel,
            PersistenceTimeout = TimeSpan.FromSeconds(50),
            PersistencePrefixLength = 24,
        });

        Assert.Equal(ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("10.77.0.250"), 80), definition.Key);
        Assert.Equal(("sh", true, 50u, 24), (definition.Service.Scheduler, definition.Service.IsPersistent, definition.Service.PersistenceTimeout, definition.Service.NetmaskPrefixLength));
        Assert.Equal(PacketForwarding.Tunnel, definition.Forwarding);
        Assert.Equal("default/web", definition.DisplayName);
    }

    [Theory]
    [InlineData(0, false, 0u)]
    [InlineData(1.5, true, 2u)] // IPVS counts whole seconds: a fraction rounds up, never ending persistence early
    public void Persistence_is_off_at_zero_and_rounds_up_to_whole_seconds(double seconds, bool persistent, uint timeout)
    {
        var service = new VirtualServerDefinition(Web() with { PersistenceTimeout = TimeSpan.FromSeconds(seconds) }).Service;

        Assert.Equal((persistent, timeout), (service.IsPersistent, service.PersistenceTimeout));
    }

    [Fact]
    public void A_firewall_mark_service_takes_the_family_of_the_address_it_serves()
    {
        var definition = new VirtualServerDefinition(Web() with { Port = null, Fwmark = 7, Address = IPAddress.Parse("2001:db8::10"), PersistencePrefixLength = 128 });

        Assert.Equal(ServiceKey.ForFirewallMark(7, AddressFamily.InterNetworkV6), definition.Key);
    }

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
        var destination = definition.Destination(definition.Server.RealServers[0], 1);
        Assert.Equal(expected, destination.Port);
        Assert.Equal(8080, definition.Server.RealServers[0].Port); // checks still reach the configured port
    }
}
