using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// The harness checked with keepalived on both sides: the same scenario code as <see cref="AgentInteropTests"/>,
/// so when these pass and an agent test fails, the agent is at fault.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "LabSelfTest")]
public sealed class HarnessSelfTests(ITestOutputHelper output)
{
    private readonly Scenario _scenario = new(output);

    [LabFact]
    public void Lab_builds_isolated_namespaces_and_cleans_up_everything()
    {
        string[] namespaces;
        LabProcess sleeper;
        using (var lab = LabNetwork.Create(2, output))
        {
            namespaces = [lab.SwitchNamespace, .. lab.Nodes.Select(n => n.Namespace), lab.Client.Namespace];
            Assert.All(namespaces, ns => Assert.Contains(ns, Sh.Check("ip", "netns", "list"), StringComparison.Ordinal));
            Assert.All(lab.Nodes.Append(lab.Client), n =>
            {
                Assert.True(lab.HasAddress(n, n.IPv4));
                Assert.True(lab.HasAddress(n, n.IPv6));
                Assert.Equal(n.Mac, LabNetwork.Mac(n.Namespace));
                Assert.DoesNotContain("tentative", Sh.Check("ip", "-n", n.Namespace, "-o", "addr", "show", "dev", "eth0"), StringComparison.Ordinal);
            });
            Assert.Equal("10.77.0.11", lab.Node(1).IPv4);
            Assert.Equal("fd77::12", lab.Node(2).IPv6);
            Assert.Equal("10.77.0.100", lab.Client.IPv4);
            Assert.True(lab.Ping(lab.Client, lab.Node(1).IPv4));
            Assert.True(lab.Ping(lab.Client, lab.Node(2).IPv6));
            Assert.Equal(lab.Node(1).Mac, lab.NeighborMac(lab.Client, lab.Node(1).IPv4));
            Assert.Null(lab.NeighborMac(lab.Client, "10.77.0.250"));
            Assert.False(lab.HasAddress(lab.Node(1), "10.77.0.250"));

            // Nothing of the lab in the root namespace.
            Assert.DoesNotContain(lab.Prefix, Sh.Check("ip", "-o", "link", "show"), StringComparison.Ordinal);
            Assert.DoesNotContain("10.77.0.", Sh.Check("ip", "-o", "addr", "show"), StringComparison.Ordinal);

            sleeper = lab.Start(lab.Node(1), "sleeper", "sleep", ["600"]);
            Assert.False(sleeper.HasExited);
        }

        Assert.True(sleeper.HasExited, "dispose did not kill the lab's process");
        var left = Sh.Check("ip", "netns", "list");
        Assert.All(namespaces, ns => Assert.DoesNotContain(ns, left, StringComparison.Ordinal));
    }

    [Fact]
    public void Logfmt_parses_quoted_values()
    {
        var e = Logfmt.Parse("ts=2026-11-24T15:00:00.123Z level=info event=transition instance=web from=Backup to=Master reason=\"master down timer expired\" priority=100");
        Assert.Equal("transition", e["event"]);
        Assert.Equal("Master", e["to"]);
        Assert.Equal("master down timer expired", e["reason"]);
        Assert.Equal("100", e["priority"]);
        var d = Logfmt.Parse("level=warn event=drop instance=web reason=AuthMismatch source=10.77.0.12 total=3");
        Assert.Equal("3", d["total"]);
        Assert.Equal("a \"b\"", Logfmt.Parse("x=\"a \\\"b\\\"\"")["x"]);
    }

    [Fact]
    public void Spec_renders_yaml_and_keepalived_conf_and_rfc_timers()
    {
        var v2 = Variants.Spec(Variants.V2OneSecond);
        Assert.Contains("advertInterval: 1s", v2.ToYaml(), StringComparison.Ordinal);
        Assert.Contains("password: lll", v2.ToYaml(), StringComparison.Ordinal);
        Assert.Contains("auth_pass lll", v2.ToKeepalivedInstance("n1"), StringComparison.Ordinal);
        Assert.Contains("priority 90", v2.ToKeepalivedInstance("n2"), StringComparison.Ordinal);
        Assert.Equal(3648, (int)v2.MasterDownInterval(90).TotalMilliseconds);
        Assert.Equal(648, (int)v2.SkewTime(90).TotalMilliseconds);

        var v3 = Variants.Spec(Variants.V3FiftyMs);
        Assert.Contains("advertInterval: 50ms", v3.ToYaml(), StringComparison.Ordinal);
        Assert.DoesNotContain("authentication", v3.ToYaml(), StringComparison.Ordinal);
        Assert.Contains("advert_int 0.05", v3.ToKeepalivedInstance("n1"), StringComparison.Ordinal);
        Assert.Equal(182, (int)v3.MasterDownInterval(90).TotalMilliseconds);
        Assert.Contains("---\n", VipSpec.ToYaml([v2, v3]), StringComparison.Ordinal);
    }

    /// <summary>keepalived(100) vs keepalived(90): the VIP and the client's neighbour entry move on kill -9.</summary>
    [LabTheory]
    [MemberData(nameof(Variants.All), MemberType = typeof(Variants))]
    public void Keepalived_master_keepalived_backup_then_kill9(string variant) =>
        _scenario.KillMasterFailover(PeerKind.Keepalived, PeerKind.Keepalived, variant);

    /// <summary>keepalived sends priority 0 on SIGTERM: the backup takes over after Skew_Time.</summary>
    [LabTheory]
    [MemberData(nameof(Variants.OneSecond), MemberType = typeof(Variants))]
    public void Sigterm_keepalived_master_keepalived_takes_over_after_skew(string variant) =>
        _scenario.TermMasterSkewTakeover(PeerKind.Keepalived, PeerKind.Keepalived, variant);

    /// <summary>keepalived too removes its stale VIP when restarted as backup.</summary>
    [LabFact]
    public void Keepalived_restart_after_kill9_removes_stale_vip() =>
        _scenario.Kill9LeavesVipRestartCleansIt(PeerKind.Keepalived, PeerKind.Keepalived);

    /// <summary>Mismatched PASS between two keepalived: both master, neither flaps.</summary>
    [LabFact]
    public void Auth_mismatch_keepalived_keepalived_both_master_no_flapping() =>
        _scenario.AuthMismatchNoStorm(PeerKind.Keepalived, PeerKind.Keepalived);
}
