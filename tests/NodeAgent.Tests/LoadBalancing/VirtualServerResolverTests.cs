using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Manifests;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

public class VirtualServerResolverTests
{
    private static VirtualServer LabVirtualServer()
    {
        var path = Path.Combine(RepositoryRoot(), "examples", "lab.yaml");
        return ManifestReader.ReadFile(path, ValidationMode.Standalone).Select(d => d.Object).OfType<VirtualServer>().Single();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KeepOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KeepOperator.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_lab_example_becomes_keepalived_s_virtual_server()
    {
        var definition = VirtualServerSamples.Definition(LabVirtualServer());

        Assert.Equal(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.77.0.250"), 80), definition.Key);
        Assert.Equal("rr", definition.Service.Scheduler);
        Assert.True(definition.Service.IsPersistent);
        Assert.Equal(50u, definition.Service.PersistenceTimeout);
        Assert.Equal(32, definition.Service.NetmaskPrefixLength);
        Assert.Equal(PacketForwarding.Masquerade, definition.Forwarding); // the lab says NAT: its hosts may lack IPVS
        Assert.Equal(
            [new ConfiguredRealServer(IPAddress.Parse("10.77.0.11"), 80, 1), new ConfiguredRealServer(IPAddress.Parse("10.77.0.12"), 80, 1)],
            definition.RealServers);
        Assert.Equal(new RealServerCheckSpec(80, null, null, null, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), 3, TimeSpan.FromSeconds(3)), definition.HealthCheck);
        Assert.Equal((1, 0, false, null), (definition.QuorumMinimum, definition.QuorumHysteresis, definition.InhibitOnFailure, definition.SorryServer));
        Assert.Equal("vi-1-80", definition.DisplayName); // no namespace in the file
    }

    [Fact]
    public void Absent_fields_take_keepalived_s_and_ipvsadm_s_defaults()
    {
        var server = VirtualServerSamples.Web();
        server.Spec.Scheduler = null;
        server.Spec.Forwarding = null;
        server.Spec.RealServers![0].Weight = null;
        server.Spec.RealServers[1].Port = null;
        server.Spec.HealthCheck = new HealthCheck { Http = new HttpHealthCheck() };

        var definition = VirtualServerSamples.Definition(server);

        Assert.Equal("wlc", definition.Service.Scheduler);
        Assert.False(definition.Service.IsPersistent);
        Assert.Equal(PacketForwarding.Masquerade, definition.Forwarding);
        Assert.Equal(1, definition.RealServers[0].Weight);
        Assert.Equal(80, definition.RealServers[1].Port); // the virtual server's port
        Assert.Equal(new RealServerCheckSpec(null, "/", null, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 1, TimeSpan.FromSeconds(1)), definition.HealthCheck);
        Assert.Equal("default/web", definition.DisplayName);
    }

    [Theory]
    [InlineData("24", 24)]
    [InlineData("255.255.0.0", 16)]
    public void A_persistence_netmask_becomes_a_prefix_length(string netmask, int prefix)
    {
        var server = VirtualServerSamples.Web();
        server.Spec.PersistenceTimeout = "1m";
        server.Spec.PersistenceNetmask = netmask;

        var service = VirtualServerSamples.Definition(server).Service;

        Assert.Equal((60u, prefix), (service.PersistenceTimeout, service.NetmaskPrefixLength));
    }

    [Fact]
    public void A_firewall_mark_service_takes_the_family_of_the_address_it_serves()
    {
        var server = VirtualServerSamples.Web();
        server.Spec.Port = null;
        server.Spec.Fwmark = 7;
        server.Spec.Address = "2001:db8::10";
        server.Spec.RealServers = [new RealServer { Address = "2001:db8::21" }];
        server.Spec.HealthCheck!.Tcp!.Port = 80;

        var definition = VirtualServerResolver.Resolve(server, ["10.77.0.250", "2001:db8::10/64"]).Definition!;

        Assert.Equal(ServiceKey.ForFirewallMark(7, System.Net.Sockets.AddressFamily.InterNetworkV6), definition.Key);
        Assert.Equal(0, definition.RealServers.Single().Port);
    }

    [Fact]
    public void Refuses_an_address_the_virtual_ip_does_not_have_and_a_portless_real_server_without_a_check_port()
    {
        var other = VirtualServerSamples.Web();
        other.Spec.Address = "10.77.0.99";
        var fwmark = VirtualServerSamples.Web();
        fwmark.Spec.Port = null;
        fwmark.Spec.Fwmark = 3;
        fwmark.Spec.RealServers = [new RealServer { Address = "10.0.0.1" }];

        var address = Assert.Single(VirtualServerResolver.Resolve(other, VirtualServerSamples.VipAddresses).Errors);
        var port = Assert.Single(VirtualServerResolver.Resolve(fwmark, VirtualServerSamples.VipAddresses).Errors);

        Assert.Equal("spec.address", address.Path);
        Assert.Contains("10.77.0.250", address.Message, StringComparison.Ordinal);
        Assert.Equal("spec.healthCheck", port.Path);
    }

    [Fact]
    public void A_set_refuses_an_unknown_virtual_ip_and_a_second_claim_on_one_service_but_keeps_the_rest()
    {
        var unknown = VirtualServerSamples.Web("unknown");
        unknown.Spec.VirtualIpRef = "nope";
        var servers = new[] { VirtualServerSamples.Web("a"), unknown, VirtualServerSamples.Web("b"), VirtualServerSamples.Web("c", 443) };

        var set = VirtualServerSetResolver.Resolve(servers, new Dictionary<string, IReadOnlyList<string>> { ["vi-1"] = VirtualServerSamples.VipAddresses });

        Assert.Equal(["default/a", "default/c"], set.Definitions.Select(d => d.DisplayName));
        Assert.Equal([(1, "spec.virtualIpRef"), (2, "spec.port")], set.Errors.Select(e => (e.Index, e.Error.Path)));
        Assert.Contains("default/a", set.Errors[1].Error.Message, StringComparison.Ordinal);
    }
}
