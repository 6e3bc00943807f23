using System.Net;
using KeepOperator.Api.Manifests;
using KeepOperator.NodeAgent.Config;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Config;

public class StandaloneConfigTests
{
    // The issue's file, shared with the API tests (linked into this project, not copied).
    private const string WebYaml = KeepOperator.Api.Tests.Samples.WebYaml;

    private static ManifestException Refused(string yaml) =>
        Assert.Throws<ManifestException>(() => StandaloneConfig.Parse(yaml, "web.yaml", "n1", InstanceBinderTests.Host));

    [Fact]
    public void The_issue_sample_resolves_on_n1_and_n2()
    {
        var n1 = StandaloneConfig.Parse(WebYaml, "web.yaml", "n1", InstanceBinderTests.Host);
        var instance = Assert.Single(n1.Instances);
        Assert.Equal("web", instance.Name);
        Assert.Equal(100, instance.Router.Priority);
        Assert.Equal(51, instance.Router.VirtualRouterId);
        Assert.Equal("lll", instance.Password);
        Assert.Equal("eth0", instance.InterfaceName);
        Assert.Equal(IPAddress.Parse("10.77.0.11"), instance.Router.PrimaryAddress);
        Assert.Empty(n1.Warnings);

        Assert.Equal(90, StandaloneConfig.Parse(WebYaml, "web.yaml", "n2", InstanceBinderTests.Host).Instances.Single().Router.Priority);
    }

    [Fact]
    public void Load_reads_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keepoperator-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, WebYaml);
        try
        {
            var config = StandaloneConfig.Load(path, "n1", InstanceBinderTests.Host);
            Assert.Equal(path, config.Source);
            Assert.Single(config.Instances);
        }
        finally
        {
            File.Delete(path);
        }

        var e = Assert.Throws<ManifestException>(() => StandaloneConfig.Load(path, "n1", InstanceBinderTests.Host));
        Assert.Contains("cannot read", e.Message, StringComparison.Ordinal);
    }

    // The four refusals the agent must make, each naming the document, the field and the rule.

    [Fact]
    public void Refuses_an_unknown_field()
    {
        var e = Refused(WebYaml.Replace("  preempt: true", "  preempt: true\n  foo: bar", StringComparison.Ordinal));
        Assert.Equal("web.yaml: VirtualIp \"web\" (document 1): spec.foo: unknown field (line 12)", e.Message);
    }

    [Fact]
    public void Refuses_two_VirtualIps_of_one_name_even_in_different_namespaces()
    {
        var second = WebYaml.Replace("name: web", "name: web\n  namespace: other", StringComparison.Ordinal);
        Assert.NotEqual(WebYaml, second);
        var e = Refused(WebYaml + "\n---\n" + second);
        Assert.Contains("metadata.name: \"web\" is already the name of document 1: VirtualIp names must be unique", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_priority_300()
    {
        var e = Refused(WebYaml.Replace("priority: 100", "priority: 300", StringComparison.Ordinal));
        Assert.Equal("web.yaml: VirtualIp \"web\" (document 1): spec.priorities[0].priority: must be between 1 and 254, got 300 (line 17)", e.Message);
    }

    [Fact]
    public void Refuses_v2_with_50ms()
    {
        var e = Refused(WebYaml.Replace("advertInterval: 1s", "advertInterval: 50ms", StringComparison.Ordinal));
        Assert.Equal(
            "web.yaml: VirtualIp \"web\" (document 1): spec.advertInterval: VRRP version 2 needs whole seconds between 1s and 255s, got \"50ms\" (line 10)",
            e.Message);
    }

    [Fact]
    public void Refuses_an_address_that_is_not_an_ip()
    {
        var e = Refused(WebYaml.Replace("\"10.77.0.250\"", "\"10.77.0\"", StringComparison.Ordinal));
        Assert.Equal(
            "web.yaml: VirtualIp \"web\" (document 1): spec.addresses[0]: must be an IP address or CIDR such as \"10.0.0.5\" or \"10.0.0.5/24\", got \"10.77.0\" (line 6)",
            e.Message);
    }

    [Fact]
    public void Standalone_needs_a_vrid_and_an_inline_password()
    {
        var e = Refused(WebYaml
            .Replace("  virtualRouterId: 51\n", "", StringComparison.Ordinal)
            .Replace("password: lll", "passwordSecretRef: {name: vrrp, key: pw}", StringComparison.Ordinal));
        Assert.Equal(["spec.virtualRouterId", "spec.authentication.passwordSecretRef"], e.Errors.Select(x => x.Path));
    }

    [Fact]
    public void Errors_from_reading_validating_and_resolving_are_collected_together()
    {
        var yaml = WebYaml + "\n---\n" +
            WebYaml.Replace("name: web", "name: api", StringComparison.Ordinal).Replace("priority: 90", "priority: 0", StringComparison.Ordinal) + "\n---\n" +
            WebYaml.Replace("name: web", "name: db", StringComparison.Ordinal).Replace("10.77.0.250", "172.16.0.9", StringComparison.Ordinal).Replace("  interface: eth0", "  interface: eth8", StringComparison.Ordinal).Replace("51", "52", StringComparison.Ordinal) + "\n---\n" +
            WebYaml.Replace("name: web", "name: cache", StringComparison.Ordinal).Replace("10.77.0.250", "10.77.0.251", StringComparison.Ordinal);
        var e = Refused(yaml);
        Assert.Equal(
            [
                "VirtualIp \"api\" (document 2): spec.priorities[1].priority",
                "VirtualIp \"db\" (document 3): spec.interface",
                "VirtualIp \"cache\" (document 4): spec.virtualRouterId",
            ],
            e.Errors.Select(x => $"{x.Kind} \"{x.Name}\" (document {x.Document}): {x.Path}"));
        Assert.Contains("VRID 51 is already used on eth0 by VirtualIp \"web\" (document 1)", e.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("interface \"eth8\" does not exist", e.Errors[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("3 errors:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_address_in_two_instances_is_refused()
    {
        var yaml = WebYaml + "\n---\n" + WebYaml.Replace("name: web", "name: api", StringComparison.Ordinal).Replace("51", "52", StringComparison.Ordinal);
        var error = Assert.Single(Refused(yaml).Errors);
        Assert.Equal("spec.addresses[0]", error.Path);
        Assert.Equal("10.77.0.250 is already held by VirtualIp \"web\" (document 1)", error.Message);
    }

    [Fact]
    public void The_same_vrid_on_different_interfaces_or_families_is_fine()
    {
        var yaml = WebYaml + "\n---\n" +
            WebYaml.Replace("name: web", "name: api", StringComparison.Ordinal).Replace("10.77.0.250", "192.168.5.9", StringComparison.Ordinal).Replace("interface: eth0", "interface: eth1", StringComparison.Ordinal) + "\n---\n" +
            """
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata: {name: v6}
            spec: {addresses: ["2001:db8:77::250"], virtualRouterId: 51, vrrpVersion: 3}
            """;
        var config = StandaloneConfig.Parse(yaml, "all.yaml", "n1", InstanceBinderTests.Host);
        Assert.Equal(["web", "api", "v6"], config.Instances.Select(i => i.Name));
        Assert.Equal(["eth0", "eth1", "eth0"], config.Instances.Select(i => i.InterfaceName));
    }

    [Fact]
    public void Pods_checks_node_selectors_and_node_names_become_warnings()
    {
        var yaml = WebYaml + """

              nodeSelector: {role: edge}
              nodeNames: [n2]
              track:
                - name: pods
                  pods: {selector: {matchLabels: {app: web}}}
            """;
        var config = StandaloneConfig.Parse(yaml, "web.yaml", "n1", InstanceBinderTests.Host);
        Assert.Empty(config.Instances.Single().Track);
        Assert.Equal(["spec.track[0]", "spec.nodeSelector", "spec.nodeNames"], config.Warnings.Select(w => w.Path));
        Assert.All(config.Warnings, w => Assert.StartsWith("web.yaml: VirtualIp \"web\" (document 1): ", w.ToString(), StringComparison.Ordinal));
    }

    private const string VirtualServerYaml = """

        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata:
          name: web-80
        spec:
          virtualIpRef: web
          port: 80
          realServers:
            - address: 10.77.0.21
            - address: 10.77.0.22
        """;

    [Fact]
    public void VirtualServers_of_the_file_s_VirtualIps_are_run()
    {
        var config = StandaloneConfig.Parse(WebYaml + VirtualServerYaml, "web.yaml", "n1", InstanceBinderTests.Host);

        var server = Assert.Single(config.VirtualServers);
        Assert.Equal(("web-80", "web", "-t 10.77.0.250:80"), (server.DisplayName, server.Server.VirtualIp, server.Key.ToString()));
        Assert.Equal(["10.77.0.21:80", "10.77.0.22:80"], server.Server.RealServers.Select(r => r.ToString()));
    }

    [Fact]
    public void A_static_VirtualServer_is_run_on_its_own_address_its_node_selector_ignored_with_a_warning()
    {
        var yaml = VirtualServerYaml.Replace("virtualIpRef: web", "address: 10.77.0.40\n  nodeSelector: {lb: \"yes\"}", StringComparison.Ordinal);

        var config = StandaloneConfig.Parse(WebYaml + yaml, "web.yaml", "n1", InstanceBinderTests.Host);

        var server = Assert.Single(config.VirtualServers);
        Assert.Equal(("web-80", null, "-t 10.77.0.40:80"), (server.DisplayName, server.Server.VirtualIp, server.Key.ToString()));
        var warning = Assert.Single(config.Warnings, w => w.Path == "spec.nodeSelector").ToString();
        Assert.StartsWith("web.yaml: VirtualServer \"web-80\" (document 2): spec.nodeSelector: needs a cluster", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("virtualIpRef: web", "virtualIpRef: db", "spec.virtualIpRef: names no VirtualIp of this configuration (\"db\")")]
    [InlineData("port: 80", "port: 80\n  address: 10.77.0.99", "spec.address: 10.77.0.99 is not an address of VirtualIp \"web\"")]
    [InlineData("- address: 10.77.0.22", "- address: 10.77.0.22\n      weight: -1", "spec.realServers[1].weight: must be between 0 and 65535")]
    [InlineData("port: 80", "port: 80\n  persistenceNetmask: \"64\"", "spec.persistenceNetmask: \"64\" does not fit an IPv4 address (10.77.0.250)")]
    public void A_bad_VirtualServer_is_refused_with_file_document_and_field(string from, string to, string message)
    {
        var e = Refused(WebYaml + VirtualServerYaml.Replace(from, to, StringComparison.Ordinal));

        var error = Assert.Single(e.Errors).ToString();
        Assert.StartsWith("web.yaml: VirtualServer \"web-80\" (document 2): ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void One_unicast_file_serves_every_router_each_leaving_itself_out()
    {
        const string yaml = """
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: web
            spec:
              addresses: ["10.77.0.250"]
              virtualRouterId: 51
              unicast:
                peers: ["10.77.0.11", "10.77.0.21", "10.77.0.31"]
            """;
        var instance = Assert.Single(StandaloneConfig.Parse(yaml, "web.yaml", "n1", InstanceBinderTests.Host).Instances);
        Assert.Equal([IPAddress.Parse("10.77.0.21"), IPAddress.Parse("10.77.0.31")], instance.Router.UnicastPeers);

        var error = Assert.Single(Refused(yaml.Replace("peers: [\"10.77.0.11\", \"10.77.0.21\", \"10.77.0.31\"]", "peers: []", StringComparison.Ordinal)).Errors);
        Assert.Equal("spec.unicast.peers", error.Path);
    }
}
