using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepOperator.Api.Manifests;
using KeepOperator.Api.Services;
using KeepOperator.Tests.Shared;
using Xunit;

namespace KeepOperator.Api.Tests;

/// <summary>Where VirtualServer defaults are applied, for the operator and the standalone agent alike.</summary>
public sealed class VirtualServerResolverTests
{
    private static readonly VirtualIp WebVip = Samples.Web(); // 10.77.0.250

    /// <summary>The sample changed by <paramref name="change"/>; only valid input is resolved.</summary>
    private static VirtualServer Server(Action<VirtualServerSpec>? change = null, VirtualIp? vip = null)
    {
        var server = VirtualServerSamples.Web();
        change?.Invoke(server.Spec);
        Assert.Empty(VirtualServerValidator.Validate(server));
        Assert.Empty(VirtualServerValidator.ValidateOn(server.Spec, vip ?? WebVip));
        return server;
    }

    private static VirtualServerInstance Resolve(Action<VirtualServerSpec>? change = null) => VirtualServerResolver.Resolve(Server(change), WebVip);

    [Fact]
    public void The_lab_example_becomes_keepalived_s_virtual_server()
    {
        var documents = ManifestReader.ReadFile(Path.Combine(RepoPaths.Root, "examples", "lab.yaml"), ValidationMode.Standalone).Select(d => d.Object).ToList();

        var instance = VirtualServerResolver.Resolve(documents.OfType<VirtualServer>().Single(), documents.OfType<VirtualIp>().Single());

        var expected = new VirtualServerInstance
        {
            Namespace = "", // none in the file
            Name = "vi-1-80",
            VirtualIp = "vi-1",
            Address = IPAddress.Parse("10.77.0.250"),
            Port = 80,
            Protocol = VirtualServerProtocol.Tcp,
            Scheduler = "rr",
            Forwarding = ForwardingMethod.Nat, // the lab says NAT: its hosts may lack IPVS
            PersistenceTimeout = TimeSpan.FromSeconds(50),
            PersistencePrefixLength = 32,
            RealServers = [new(IPAddress.Parse("10.77.0.11"), 80, 1), new(IPAddress.Parse("10.77.0.12"), 80, 1)],
            InhibitOnFailure = false,
            Quorum = new QuorumSettings(1, 0),
            HealthCheck = new RealServerCheckSettings(80, null, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), 3, TimeSpan.FromSeconds(3)),
        };
        Assert.Equal(expected, instance);
        Assert.Equal("vi-1-80", VirtualServerInstance.DisplayNameOf(instance.Namespace, instance.Name));
    }

    [Fact]
    public void Absent_fields_take_keepalived_s_and_ipvsadm_s_defaults()
    {
        var instance = Resolve(s =>
        {
            s.Protocol = null;
            s.Scheduler = null;
            s.Forwarding = null;
            s.PersistenceTimeout = null;
            s.RealServers![0].Weight = null;
            s.RealServers[1].Port = null;
            s.HealthCheck = new HealthCheck { Http = new HttpHealthCheck() };
        });

        Assert.Equal((VirtualServerProtocol.Tcp, "wlc", ForwardingMethod.Nat), (instance.Protocol, instance.Scheduler, instance.Forwarding));
        Assert.Equal((TimeSpan.Zero, 32), (instance.PersistenceTimeout, instance.PersistencePrefixLength));
        Assert.Equal(IPAddress.Parse("10.77.0.250"), instance.Address); // the VirtualIp's first
        Assert.Equal(1, instance.RealServers[0].Weight);
        Assert.Equal(80, instance.RealServers[1].Port); // the virtual server's port
        Assert.Equal(
            new RealServerCheckSettings(null, new HttpCheckSettings("/", HttpStatusRanges.Parse("200-299"), null), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 1, TimeSpan.FromSeconds(1)),
            instance.HealthCheck);
        Assert.Equal((false, QuorumSettings.Default, null), (instance.InhibitOnFailure, instance.Quorum, instance.SorryServer));
        Assert.Equal("default/web", VirtualServerInstance.DisplayNameOf(instance.Namespace, instance.Name));
    }

    [Fact]
    public void Given_fields_are_kept_typed()
    {
        var instance = Resolve(s =>
        {
            s.Protocol = "SCTP";
            s.Forwarding = "TUN";
            s.PersistenceTimeout = "1m30s";
            s.InhibitOnFailure = true;
            s.Quorum = new Quorum { Minimum = 2, Hysteresis = 1 };
            s.SorryServer = new RealServer { Address = "10.77.0.99" };
            s.HealthCheck = new HealthCheck { Http = new HttpHealthCheck { Path = "/healthz", Port = 8080, ExpectedStatus = "200,302", BodyRegex = "ok", ConnectTimeout = "2s" } };
        });

        Assert.Equal((VirtualServerProtocol.Sctp, ForwardingMethod.Tunnel, TimeSpan.FromSeconds(90)), (instance.Protocol, instance.Forwarding, instance.PersistenceTimeout));
        Assert.Equal((true, new QuorumSettings(2, 1)), (instance.InhibitOnFailure, instance.Quorum));
        Assert.Equal(new RealServerSettings(IPAddress.Parse("10.77.0.99"), 80, 1), instance.SorryServer);
        Assert.Equal(
            new RealServerCheckSettings(8080, new HttpCheckSettings("/healthz", HttpStatusRanges.Parse("200,302"), "ok"), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 1, TimeSpan.FromSeconds(1)),
            instance.HealthCheck);
    }

    [Theory]
    [InlineData("24", 24)]
    [InlineData("255.255.0.0", 16)]
    public void A_persistence_netmask_becomes_a_prefix_length(string netmask, int prefix) =>
        Assert.Equal(prefix, Resolve(s => s.PersistenceNetmask = netmask).PersistencePrefixLength);

    [Fact]
    public void A_firewall_mark_server_serves_the_address_it_names_and_keeps_the_packet_s_port()
    {
        var vip = Samples.Web();
        vip.Spec.Addresses = ["10.77.0.250", "2001:db8::10/64"];
        var server = Server(
            s =>
            {
                s.Port = null;
                s.Fwmark = 7;
                s.Address = "2001:db8::10";
                s.PersistenceNetmask = "64";
                s.RealServers = [new RealServer { Address = "2001:db8::21" }];
            },
            vip);

        var instance = VirtualServerResolver.Resolve(server, vip);

        Assert.Equal((IPAddress.Parse("2001:db8::10"), null, 7, 64), (instance.Address, instance.Port, instance.Fwmark, instance.PersistencePrefixLength));
        Assert.Equal(0, instance.RealServers.Single().Port);
    }

    [Fact]
    public void The_operator_s_real_servers_replace_the_spec_s_and_take_its_defaults()
    {
        var instance = VirtualServerResolver.Resolve(Server(), WebVip, [new RealServer { Address = "10.1.0.5" }, new RealServer { Address = "10.1.0.3", Port = 8080, Weight = 4 }]);

        Assert.Equal([new(IPAddress.Parse("10.1.0.5"), 80, 1), new(IPAddress.Parse("10.1.0.3"), 8080, 4)], instance.RealServers);
    }

    [Fact]
    public void A_namespaced_standalone_VirtualIp_is_named_as_its_instance()
    {
        var vip = Samples.Web();
        vip.Metadata.Namespace = "lab";
        Assert.Equal("lab/web", VirtualServerResolver.Resolve(Server(), vip).VirtualIp);
    }

    [Fact]
    public void Equal_resolutions_are_equal_whatever_the_generation_and_a_changed_real_server_is_not()
    {
        var first = Resolve();
        var again = VirtualServerResolver.Resolve(Server(), WebVip) with { Generation = 9 };
        var reweighted = Resolve(s => s.RealServers![1].Weight = 5);

        Assert.Equal(first, again);
        Assert.Equal(first.GetHashCode(), again.GetHashCode());
        Assert.NotEqual(first, reweighted);
    }

    [Fact]
    public void On_the_wire_it_reads_as_the_spec_does_and_reads_back_equal()
    {
        var instance = Resolve(s => s.HealthCheck!.Http = null);

        var json = JsonSerializer.SerializeToNode(instance, ApiJsonContext.Default.VirtualServerInstance)!;

        Assert.Equal(
            ("web", "10.77.0.250", "TCP", "DR", "50s", "10.77.0.11"),
            ((string?)json["virtualIp"], (string?)json["address"], (string?)json["protocol"], (string?)json["forwarding"], (string?)json["persistenceTimeout"], (string?)json["realServers"]![0]!["address"]));
        Assert.Equal(instance, json.Deserialize(ApiJsonContext.Default.VirtualServerInstance));
        Assert.Throws<JsonException>(() => JsonNode.Parse("""{"address": "10.0.0.1/24"}""").Deserialize(ApiJsonContext.Default.IPAddress));
    }

    [Fact]
    public void A_static_virtual_server_names_no_virtual_ip_and_an_http_check_keeps_digest_and_tls()
    {
        var server = VirtualServerSamples.Web();
        (server.Spec.VirtualIpRef, server.Spec.Address) = (null, "10.77.0.40");
        server.Spec.HealthCheck = new HealthCheck { Http = new HttpHealthCheck { Digest = "640205B7B0FC66C1EA91C463FAC6334D", Tls = true } };
        Assert.Empty(VirtualServerValidator.Validate(server));
        var instance = VirtualServerResolver.Resolve(server, null);
        Assert.Null(instance.VirtualIp);
        Assert.Equal(IPAddress.Parse("10.77.0.40"), instance.Address);
        Assert.Equal(new HttpCheckSettings("/", HttpStatusRanges.Parse("200-299"), null, "640205b7b0fc66c1ea91c463fac6334d", Tls: true), instance.HealthCheck!.Http);
        var roundTrip = JsonSerializer.Deserialize(JsonSerializer.Serialize(instance, ApiJsonContext.Default.VirtualServerInstance), ApiJsonContext.Default.VirtualServerInstance);
        Assert.Equal(instance, roundTrip);
    }
}
