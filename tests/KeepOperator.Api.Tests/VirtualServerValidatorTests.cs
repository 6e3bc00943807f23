using System.Net;
using System.Text.Json;
using KeepOperator.Api.Manifests;
using Xunit;

namespace KeepOperator.Api.Tests;

public class VirtualServerValidatorTests
{
    private static IReadOnlyList<FieldError> Errors(Action<VirtualServerSpec> change, ValidationMode mode = ValidationMode.Cluster)
    {
        var server = VirtualServerSamples.Web();
        change(server.Spec);
        return VirtualServerValidator.Validate(server, mode);
    }

    private static void AssertOnlyError(Action<VirtualServerSpec> change, string path, string messagePart, ValidationMode mode = ValidationMode.Cluster)
    {
        var error = Assert.Single(Errors(change, mode));
        Assert.Equal(path, error.Path);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_issue_sample_is_valid_in_both_modes()
    {
        Assert.Empty(VirtualServerValidator.Validate(VirtualServerSamples.Web(), ValidationMode.Cluster));
        Assert.Empty(VirtualServerValidator.Validate(VirtualServerSamples.Web(), ValidationMode.Standalone));
    }

    [Fact]
    public void The_issue_sample_reads_as_its_object()
    {
        var document = Assert.Single(ManifestReader.Read(VirtualServerSamples.WebYaml, "vs.yaml"));
        Assert.Equal(
            JsonSerializer.Serialize(VirtualServerSamples.Web(), ApiJsonContext.Default.VirtualServer),
            JsonSerializer.Serialize((VirtualServer)document.Object, ApiJsonContext.Default.VirtualServer));
    }

    [Fact]
    public void Manifests_take_VirtualServers_next_to_VirtualIps_and_report_their_errors()
    {
        var documents = ManifestReader.Read(Samples.WebYaml + "\n---\n" + VirtualServerSamples.WebYaml, "web.yaml", ValidationMode.Standalone);
        Assert.Equal(["VirtualIp", "VirtualServer"], documents.Select(d => d.Kind));

        var bad = VirtualServerSamples.WebYaml.Replace("scheduler: rr", "scheduler: roundrobin", StringComparison.Ordinal);
        var error = Assert.Single(Assert.Throws<ManifestException>(() => ManifestReader.Read(bad, "vs.yaml")).Errors);
        Assert.Equal(
            "vs.yaml: VirtualServer \"web\" (document 1): spec.scheduler: must be one of rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, mh, fo, ovf, twos, got \"roundrobin\" (line 8)",
            error.ToString());
    }

    [Fact]
    public void Exactly_one_of_port_and_fwmark()
    {
        AssertOnlyError(s => s.Port = null, "spec", "exactly one of port and fwmark");
        AssertOnlyError(s => s.Fwmark = 7, "spec", "exactly one of port and fwmark");
        Assert.Empty(Errors(s => (s.Port, s.Fwmark) = (null, 7)));
        AssertOnlyError(s => (s.Port, s.Fwmark) = (null, 0), "spec.fwmark", "between 1 and");
    }

    [Theory]
    [InlineData(0, "spec.port")]
    [InlineData(65536, "spec.port")]
    public void Ports_are_1_to_65535(int port, string path) => AssertOnlyError(s => s.Port = port, path, "between 1 and 65535");

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Weights_are_0_to_65535(int weight) =>
        AssertOnlyError(s => s.RealServers![1].Weight = weight, "spec.realServers[1].weight", "between 0 and 65535");

    [Fact]
    public void Weight_0_and_65535_are_allowed()
    {
        Assert.Empty(Errors(s => (s.RealServers![0].Weight, s.RealServers[1].Weight) = (0, 65535)));
    }

    [Fact]
    public void Protocol_scheduler_and_forwarding_are_enums()
    {
        AssertOnlyError(s => s.Protocol = "tcp", "spec.protocol", "must be one of TCP, UDP, SCTP");
        AssertOnlyError(s => s.Scheduler = "RR", "spec.scheduler", "must be one of rr,");
        AssertOnlyError(s => s.Forwarding = "MASQ", "spec.forwarding", "must be one of DR, NAT, TUN");
        foreach (var scheduler in VirtualServerValidator.Schedulers)
        {
            Assert.Empty(Errors(s => s.Scheduler = scheduler));
        }
    }

    [Fact]
    public void Virtual_ip_ref_is_a_name_or_absent_for_a_static_address()
    {
        AssertOnlyError(s => s.VirtualIpRef = "", "spec.virtualIpRef", "DNS subdomain");
        AssertOnlyError(s => s.VirtualIpRef = "Web", "spec.virtualIpRef", "DNS subdomain");
        AssertOnlyError(s => s.VirtualIpRef = null, "spec", "needs virtualIpRef, or the static address (spec.address)");
        Assert.Empty(Errors(s => (s.VirtualIpRef, s.Address, s.NodeSelector) = (null, "10.77.0.40", new() { ["lb"] = "yes" })));
        Assert.Empty(Errors(s => (s.VirtualIpRef, s.Port, s.Fwmark) = (null, null, 3)));
        AssertOnlyError(s => s.NodeSelector = new() { ["lb"] = "yes" }, "spec.nodeSelector", "only for a static virtual server");
        AssertOnlyError(s => (s.VirtualIpRef, s.Address, s.NodeSelector) = (null, "10.77.0.40", new() { [""] = "x" }), "spec.nodeSelector", "must not be empty");
        Assert.Equal(["spec.realServers[0].address", "spec.realServers[1].address"], Errors(s => (s.VirtualIpRef, s.Address) = (null, "fd00::40")).Select(e => e.Path));
    }

    [Fact]
    public void A_static_virtual_server_serves_its_own_address_or_for_a_mark_its_real_servers_family()
    {
        var spec = VirtualServerSamples.Web().Spec;
        (spec.VirtualIpRef, spec.Address) = (null, "10.77.0.40");
        Assert.Equal(IPAddress.Parse("10.77.0.40"), VirtualServerValidator.ServedAddress(spec, null));
        Assert.Empty(VirtualServerValidator.ValidateOn(spec, null));
        (spec.Address, spec.Port, spec.Fwmark) = (null, null, 3);
        Assert.Equal(IPAddress.Any, VirtualServerValidator.ServedAddress(spec, null));
        spec.RealServers = [new RealServer { Address = "fd00::11" }];
        Assert.Equal(IPAddress.IPv6Any, VirtualServerValidator.ServedAddress(spec, null));
        spec.PersistenceNetmask = "255.255.255.0";
        Assert.Equal("spec.persistenceNetmask", Assert.Single(VirtualServerValidator.ValidateOn(spec, null)).Path);
    }

    [Fact]
    public void An_http_digest_is_32_hex_digits()
    {
        static void Http(VirtualServerSpec s, string digest) => s.HealthCheck = new HealthCheck { Http = new HttpHealthCheck { Digest = digest, Tls = true } };
        Assert.Empty(Errors(s => Http(s, "640205b7b0fc66c1ea91c463fac6334D")));
        AssertOnlyError(s => Http(s, "640205b7b0fc66c1ea91c463fac6334"), "spec.healthCheck.http.digest", "32 hex digits");
        AssertOnlyError(s => Http(s, "640205b7b0fc66c1ea91c463fac6334g"), "spec.healthCheck.http.digest", "32 hex digits");
    }

    [Theory]
    [InlineData("10.77.0.300")]
    [InlineData("10.77.0.11/32")]
    [InlineData("web")]
    public void Real_server_addresses_are_host_addresses(string address) =>
        AssertOnlyError(s => s.RealServers![0].Address = address, "spec.realServers[0].address", "must be an IP address");

    [Fact]
    public void Real_servers_are_of_the_virtual_address_family_and_unique()
    {
        AssertOnlyError(s => (s.Address, s.RealServers![0].Address) = ("10.77.0.250", "2001:db8::11"), "spec.realServers[0].address", "address family");
        AssertOnlyError(s => s.RealServers![1].Address = "10.77.0.11", "spec.realServers[1]", "duplicate real server 10.77.0.11:80 (also spec.realServers[0])");
        AssertOnlyError(s => s.Address = "10.77.0.250/24", "spec.address", "must be an IP address");
    }

    [Fact]
    public void Real_servers_or_a_service_are_needed_and_a_service_needs_a_cluster()
    {
        AssertOnlyError(s => s.RealServers = null, "spec", "needs realServers or serviceRef");
        Assert.Empty(Errors(s => (s.RealServers, s.ServiceRef) = (null, new ServiceReference { Name = "web", Port = "http" })));
        AssertOnlyError(s => (s.RealServers, s.ServiceRef) = (null, new ServiceReference { Name = "web" }), "spec.serviceRef", "needs a cluster", ValidationMode.Standalone);
        AssertOnlyError(s => s.ServiceRef = new ServiceReference { Name = "Web" }, "spec.serviceRef.name", "Service name");
    }

    [Fact]
    public void Health_check_has_exactly_one_of_tcp_and_http()
    {
        AssertOnlyError(s => s.HealthCheck!.Tcp = null, "spec.healthCheck", "exactly one of tcp and http");
        AssertOnlyError(s => s.HealthCheck!.Http = new HttpHealthCheck(), "spec.healthCheck", "exactly one of tcp and http");
        Assert.Empty(Errors(s => (s.HealthCheck!.Tcp, s.HealthCheck.Http) = (null, new HttpHealthCheck { Path = "/healthz", ExpectedStatus = "200-299,302", BodyRegex = "^ok$", ConnectTimeout = "2s" })));
    }

    [Fact]
    public void Http_check_fields_are_checked()
    {
        void Http(Action<HttpHealthCheck> change, string path, string message) => AssertOnlyError(
            s =>
            {
                s.HealthCheck!.Tcp = null;
                s.HealthCheck.Http = new HttpHealthCheck();
                change(s.HealthCheck.Http);
            },
            "spec.healthCheck.http." + path,
            message);

        Http(h => h.Path = "healthz", "path", "starting with '/'");
        Http(h => h.Port = 0, "port", "between 1 and 65535");
        Http(h => h.ExpectedStatus = "2xx", "expectedStatus", "status code");
        Http(h => h.BodyRegex = "(", "bodyRegex", "regular expression");
        Http(h => h.ConnectTimeout = "0s", "connectTimeout", "positive");
    }

    [Theory]
    [InlineData("interval", "6", "duration")]
    [InlineData("interval", "0s", "positive")]
    [InlineData("delayBeforeRetry", "-1s", "negative")]
    [InlineData("tcp.connectTimeout", "3 s", "duration")]
    [InlineData("persistenceTimeout", "50", "duration")]
    public void Durations_parse(string field, string value, string message)
    {
        Action<VirtualServerSpec> change = field switch
        {
            "interval" => s => s.HealthCheck!.Interval = value,
            "delayBeforeRetry" => s => s.HealthCheck!.DelayBeforeRetry = value,
            "tcp.connectTimeout" => s => s.HealthCheck!.Tcp!.ConnectTimeout = value,
            _ => s => s.PersistenceTimeout = value,
        };
        AssertOnlyError(change, field == "persistenceTimeout" ? "spec.persistenceTimeout" : "spec.healthCheck." + field, message);
    }

    [Fact]
    public void Retries_and_quorum_are_at_least_1()
    {
        AssertOnlyError(s => s.HealthCheck!.Retries = 0, "spec.healthCheck.retries", "between 1 and");
        AssertOnlyError(s => s.Quorum = new Quorum { Minimum = 0 }, "spec.quorum.minimum", "between 1 and");
        AssertOnlyError(s => s.Quorum = new Quorum { Minimum = 2, Hysteresis = -1 }, "spec.quorum.hysteresis", "between 0 and");
        Assert.Empty(Errors(s => s.Quorum = new Quorum { Minimum = 1, Hysteresis = 0 }));
    }

    [Theory]
    [InlineData("255.255.255.0", true)]
    [InlineData("255.255.0.0", true)]
    [InlineData("24", true)]
    [InlineData("128", true)]
    [InlineData("255.0.255.0", false)]
    [InlineData("129", false)]
    [InlineData("/24", false)]
    public void Persistence_netmask_is_a_netmask_or_prefix_length(string netmask, bool valid)
    {
        var errors = Errors(s => s.PersistenceNetmask = netmask);
        if (valid)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal("spec.persistenceNetmask", Assert.Single(errors).Path);
        }
    }

    [Fact]
    public void Sorry_server_is_a_real_server()
    {
        Assert.Empty(Errors(s => s.SorryServer = new RealServer { Address = "10.77.0.99", Port = 8080 }));
        AssertOnlyError(s => s.SorryServer = new RealServer { Address = "10.77.0.99", Weight = 70000 }, "spec.sorryServer.weight", "between 0 and 65535");
    }

    [Fact]
    public void A_firewall_mark_real_server_without_a_port_needs_the_check_s_port()
    {
        void Fwmark(VirtualServerSpec s)
        {
            s.Port = null;
            s.Fwmark = 3;
            s.HealthCheck!.Tcp!.Port = null;
            s.RealServers![1].Port = null;
        }

        AssertOnlyError(Fwmark, "spec.healthCheck", "needs the check's port");
        Assert.Empty(Errors(s =>
        {
            Fwmark(s);
            s.HealthCheck!.Tcp!.Port = 80;
        }));
    }

    private static IReadOnlyList<FieldError> ErrorsOn(Action<VirtualServerSpec> change, params string[] vipAddresses)
    {
        var server = VirtualServerSamples.Web();
        change(server.Spec);
        Assert.Empty(VirtualServerValidator.Validate(server)); // the rules on the VirtualIp come after these
        var vip = Samples.Web();
        vip.Spec.Addresses = [.. vipAddresses];
        return VirtualServerValidator.ValidateOn(server.Spec, vip);
    }

    [Fact]
    public void On_its_VirtualIp_the_address_must_be_one_of_its_own_alone()
    {
        var error = Assert.Single(ErrorsOn(s => s.Address = "10.77.0.99", "10.77.0.250/24", "10.77.0.251"));

        Assert.Equal(("spec.address", "10.77.0.99 is not an address of VirtualIp \"web\" (10.77.0.250/24, 10.77.0.251)"), (error.Path, error.Message));
        Assert.Empty(ErrorsOn(s => s.Address = "10.77.0.251", "10.77.0.250/24", "10.77.0.251"));
        Assert.Equal(IPAddress.Parse("10.77.0.251"), VirtualServerValidator.ServedAddress(new VirtualServerSpec { Address = "10.77.0.251" }, new VirtualIpSpec { Addresses = ["10.77.0.250/24", "10.77.0.251"] }));
        Assert.Equal(IPAddress.Parse("10.77.0.250"), VirtualServerValidator.ServedAddress(new VirtualServerSpec(), new VirtualIpSpec { Addresses = ["10.77.0.250/24", "10.77.0.251"] }));
    }

    [Fact]
    public void On_its_VirtualIp_the_real_servers_and_persistence_netmask_fit_the_family_served()
    {
        var errors = ErrorsOn(
            s =>
            {
                s.RealServers![1].Address = "fd00::12";
                s.SorryServer = new RealServer { Address = "fd00::99" };
                s.PersistenceNetmask = "255.255.255.0";
            },
            "10.77.0.250");
        var v6 = ErrorsOn(
            s =>
            {
                s.PersistenceNetmask = "255.255.255.0";
                s.RealServers = [new RealServer { Address = "fd00::11" }];
            },
            "fd00::250");
        var tooLong = ErrorsOn(s => s.PersistenceNetmask = "64", "10.77.0.250");

        Assert.Equal(["spec.realServers[1].address", "spec.sorryServer.address"], errors.Select(e => e.Path));
        Assert.Equal("must be of the family of 10.77.0.250, got \"fd00::12\"", errors[0].Message);
        Assert.Equal("spec.persistenceNetmask", Assert.Single(v6).Path);
        Assert.Equal("\"64\" does not fit an IPv4 address (10.77.0.250)", Assert.Single(tooLong).Message);
        Assert.Empty(ErrorsOn(s => s.PersistenceNetmask = "24", "10.77.0.250"));
    }

    [Fact]
    public void Api_version_kind_and_metadata_are_checked()
    {
        var server = VirtualServerSamples.Web();
        server.ApiVersion = "keepoperator.io/v1";
        server.Kind = "VirtualIp";
        server.Metadata.Name = null;
        Assert.Equal(["apiVersion", "kind", "metadata.name"], VirtualServerValidator.Validate(server).Select(e => e.Path));
    }
}
