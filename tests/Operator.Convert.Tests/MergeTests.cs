using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>When two nodes' configurations become one VirtualIp / VirtualServer, and when they stay apart.</summary>
public class MergeTests
{
    private static string Node(string routerId, int priority, string addresses = "10.0.0.250", string interfaceName = "eth0", int vrid = 51, string advertInt = "1", string servers = "") => $$"""
        global_defs {
            router_id {{routerId}}
        }
        vrrp_instance VI_WEB {
            interface {{interfaceName}}
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int {{advertInt}}
            virtual_ipaddress {
                {{addresses}}
            }
        }
        {{servers}}
        """;

    private static string Server(string algo, params string[] realServers) =>
        $"virtual_server 10.0.0.250 443 {{\n  lb_algo {algo}\n  lb_kind NAT\n" +
        string.Concat(realServers.Select(r => $"  real_server {r} 8443 {{\n    weight 2\n    TCP_CHECK {{\n      connect_timeout 2\n    }}\n  }}\n")) + "}\n";

    private static ConversionResult Convert(string a, string b) =>
        InMemoryConfigFiles.Convert(new() { ["a.conf"] = a, ["b.conf"] = b });

    private static IEnumerable<string> Warnings(ConversionResult result) =>
        result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString());

    [Fact]
    public void APairBecomesOneVirtualIpWithBothPriorities()
    {
        var result = Convert(Node("lb1", 150, addresses: "10.0.0.250/24\n10.0.0.251/24"), Node("lb2", 50, addresses: "10.0.0.251/24\n10.0.0.250/24"));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var vip = Assert.Single(result.VirtualIps);
        Assert.Equal("vi-web", vip.Metadata.Name);
        Assert.Equal(["10.0.0.250/24", "10.0.0.251/24"], vip.Spec.Addresses);
        Assert.Equal([("lb1", 150), ("lb2", 50)], vip.Spec.Priorities!.Select(p => (p.NodeName!, p.Priority!.Value)));
        Assert.Empty(Warnings(result));
    }

    [Fact]
    public void UnicastPairsListEveryNodeOnce()
    {
        static string Unicast(string routerId, string self, string peer) => $$"""
            global_defs {
                router_id {{routerId}}
            }
            vrrp_instance VI_WEB {
                interface eth0
                virtual_router_id 51
                unicast_src_ip {{self}}
                unicast_peer {
                    {{peer}}
                }
                virtual_ipaddress {
                    10.0.0.250
                }
            }
            """;
        var result = Convert(Unicast("lb1", "10.0.0.1", "10.0.0.2"), Unicast("lb2", "10.0.0.2", "10.0.0.1"));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(["10.0.0.1", "10.0.0.2"], Assert.Single(result.VirtualIps).Spec.Unicast!.Peers);
        Assert.Empty(Warnings(result));

        // Without unicast_src_ip each node lists only the other: the union is every node.
        var bare = Convert(Unicast("lb1", "10.0.0.1", "10.0.0.2").Replace("unicast_src_ip 10.0.0.1", "", StringComparison.Ordinal), Unicast("lb2", "10.0.0.2", "10.0.0.1").Replace("unicast_src_ip 10.0.0.2", "", StringComparison.Ordinal));
        Assert.Equal(["10.0.0.2", "10.0.0.1"], Assert.Single(bare.VirtualIps).Spec.Unicast!.Peers);
        Assert.Empty(Warnings(bare));
    }

    [Fact]
    public void NodeNamesComeFromTheMap()
    {
        var result = InMemoryConfigFiles.Convert(new() { ["a.conf"] = Node("lb1", 150), ["b.conf"] = Node("lb2", 50) }, new() { ["lb1"] = "n1", ["lb9"] = "n9" });
        Assert.Equal(["n1", "lb2"], result.VirtualIps.Single().Spec.Priorities!.Select(p => p.NodeName));
        Assert.Contains("warning: --node-name-map lb9=n9: no file has router_id lb9", Warnings(result));
    }

    [Fact]
    public void TwoFilesOfOneNodeAreAnError()
    {
        var result = Convert(Node("lb1", 150), Node("lb1", 50));
        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.ToString() == "error: a.conf and b.conf are both node \"lb1\" (router_id or --node-name-map): give each node its own name");
        Assert.Equal("", result.Yaml);
    }

    [Fact]
    public void OtherAddressesMakeTwoVirtualIpsAndAWarning()
    {
        var result = Convert(Node("lb1", 150), Node("lb2", 50, addresses: "10.0.0.99"));
        Assert.Equal(["vi-web", "vi-web-2"], result.VirtualIps.Select(v => v.Metadata.Name));
        Assert.Contains(Warnings(result), w => w.StartsWith("b.conf:4: warning: vrrp_instance VI_WEB: same virtual_router_id 51 and interface as a.conf:4 but other addresses", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(52, "eth0")]
    [InlineData(51, "eth1")]
    public void AnotherRouterIdOrInterfaceMakesTwoVirtualIps(int vrid, string interfaceName)
    {
        var result = Convert(Node("lb1", 150), Node("lb2", 50, interfaceName: interfaceName, vrid: vrid));
        Assert.Equal(2, result.VirtualIps.Count);
        Assert.All(result.VirtualIps, v => Assert.Single(v.Spec.Priorities!));
    }

    [Fact]
    public void ASettingThatDiffersInThePairIsWarnedAboutAndTheFirstIsUsed()
    {
        var result = Convert(Node("lb1", 150), Node("lb2", 50, advertInt: "2"));
        Assert.Equal("1s", Assert.Single(result.VirtualIps).Spec.AdvertInterval);
        Assert.Contains("b.conf:4: warning: vrrp_instance VI_WEB: advertInterval differs from a.conf:4 (\"1s\" there, \"2s\" here): the first file's is used", Warnings(result));
    }

    [Fact]
    public void IdenticalVirtualServersWithRealServersInAnotherOrderBecomeOne()
    {
        var result = Convert(Node("lb1", 150, servers: Server("wrr", "10.0.1.1", "10.0.1.2")), Node("lb2", 50, servers: Server("wrr", "10.0.1.2", "10.0.1.1")));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var vs = Assert.Single(result.VirtualServers);
        Assert.Equal(("vi-web-443", "vi-web"), (vs.Metadata.Name, vs.Spec.VirtualIpRef));
        Assert.Equal(["10.0.1.1", "10.0.1.2"], vs.Spec.RealServers!.Select(r => r.Address));
        Assert.Equal(("2s", null), (vs.Spec.HealthCheck!.Tcp!.ConnectTimeout, vs.Spec.HealthCheck.Tcp.Port));
        Assert.Empty(Warnings(result));
    }

    [Theory]
    [InlineData("wrr", "10.0.1.3")]
    [InlineData("rr", "10.0.1.2")]
    public void DifferingVirtualServersStayTwoWithAWarning(string algo, string secondServer)
    {
        var result = Convert(Node("lb1", 150, servers: Server("wrr", "10.0.1.1", "10.0.1.2")), Node("lb2", 50, servers: Server(algo, "10.0.1.1", secondServer)));
        Assert.Equal(["vi-web-443", "vi-web-443-2"], result.VirtualServers.Select(v => v.Metadata.Name));
        Assert.Contains("b.conf:13: warning: virtual_server 10.0.0.250 443 TCP differs from the one at a.conf:13 (settings or real servers): two VirtualServers for one service", Warnings(result));
    }

    [Fact]
    public void AVirtualServerOnAnAddressNoInstanceHoldsIsStaticOnItsNode()
    {
        var result = InMemoryConfigFiles.Convert(new() { ["a.conf"] = "global_defs {\n router_id x\n}\nvirtual_server 10.9.9.9 80 {\n  lb_algo rr\n  real_server 10.0.1.1 80 {\n  }\n}\n" });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var vs = Assert.Single(result.VirtualServers);
        Assert.Equal(("10-9-9-9-80", null, "10.9.9.9"), (vs.Metadata.Name, vs.Spec.VirtualIpRef, vs.Spec.Address));
        Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/hostname"] = "x" }, vs.Spec.NodeSelector);
        Assert.Contains(result.Diagnostics, d => d.ToString().StartsWith("a.conf:4: note: virtual_server 10.9.9.9: no vrrp_instance holds it: a static VirtualServer", StringComparison.Ordinal));
    }

    [Fact]
    public void AStaticVirtualServerOfSeveralNodesSaysToLabelThem()
    {
        const string Static = "virtual_server 10.9.9.9 80 {\n  real_server 10.0.1.1 80 {\n  }\n}\n";
        var some = InMemoryConfigFiles.Convert(new() { ["a.conf"] = Node("lb1", 100, servers: Static), ["b.conf"] = Node("lb2", 90, servers: Static), ["c.conf"] = Node("lb3", 80) });
        Assert.True(some.Succeeded, string.Join("\n", some.Diagnostics));
        Assert.Null(Assert.Single(some.VirtualServers).Spec.NodeSelector);
        Assert.Contains(some.Diagnostics, d => d.Message.Contains("a static VirtualServer for lb1, lb2: label those nodes and set spec.nodeSelector", StringComparison.Ordinal));
    }

    [Fact]
    public void AFirewallMarkWithSeveralVirtualIpsIsStatic()
    {
        var result = InMemoryConfigFiles.Convert(new()
        {
            ["a.conf"] = Node("lb1", 100) + "vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 52\n virtual_ipaddress {\n  10.0.0.251\n }\n}\n"
                + "virtual_server fwmark 3 {\n real_server 10.0.1.1 80 {\n }\n}\n",
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var vs = Assert.Single(result.VirtualServers);
        Assert.Equal(("fwmark-3", null, null, 3), (vs.Metadata.Name, vs.Spec.VirtualIpRef, vs.Spec.Address, vs.Spec.Fwmark));
    }

    [Fact]
    public void AVirtualServerOnASecondAddressNamesIt()
    {
        var result = InMemoryConfigFiles.Convert(new() { ["a.conf"] = Node("lb1", 100, addresses: "10.0.0.250\n10.0.0.7") + "virtual_server 10.0.0.7 53 {\n protocol UDP\n real_server 10.0.1.1 53 {\n }\n}\n" });
        var vs = Assert.Single(result.VirtualServers);
        Assert.Equal(("vi-web-10-0-0-7-53-udp", "10.0.0.7", "UDP"), (vs.Metadata.Name, vs.Spec.Address, vs.Spec.Protocol));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void RealServerChecksOnTheirOwnPortsAgree()
    {
        var servers = "virtual_server 10.0.0.250 80 {\n" +
            " real_server 10.0.1.1 8080 {\n  TCP_CHECK {\n   connect_port 8080\n  }\n }\n" +
            " real_server 10.0.1.2 9090 {\n  TCP_CHECK {\n   connect_port 9090\n  }\n }\n}\n";
        var result = InMemoryConfigFiles.Convert(new() { ["a.conf"] = Node("lb1", 100, servers: servers) });
        Assert.Null(Assert.Single(result.VirtualServers).Spec.HealthCheck!.Tcp!.Port);
        Assert.Empty(Warnings(result));
    }

    [Fact]
    public void RealServerChecksThatDifferUseTheFirstWithAWarning()
    {
        var servers = "virtual_server 10.0.0.250 80 {\n" +
            " real_server 10.0.1.1 80 {\n  TCP_CHECK {\n   connect_port 81\n  }\n }\n" +
            " real_server 10.0.1.2 80 {\n  TCP_CHECK {\n   connect_port 82\n  }\n }\n}\n";
        var result = InMemoryConfigFiles.Convert(new() { ["a.conf"] = Node("lb1", 100, servers: servers) });
        Assert.Equal(81, Assert.Single(result.VirtualServers).Spec.HealthCheck!.Tcp!.Port);
        Assert.Contains("a.conf:19: warning: real_server check differs from the first real server's (a.conf:14): a VirtualServer has one check for all; the first is used", Warnings(result));
    }
}
