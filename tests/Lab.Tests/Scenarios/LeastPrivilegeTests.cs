using KeepOperator.Lab.Tests.Lab;
using KeepOperator.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Issue 15's least privilege: the chart's commands (<see cref="ChartCommands"/>) run as its securityContexts ask
/// (<see cref="LeastPrivilege"/>): the agents as uid 0 with NET_ADMIN and NET_RAW only, no_new_privs, every mount
/// read-only (the root filesystem and /tmp on it, /proc/sys); the operator as uid and gid 1654 with no capability. The test checks
/// each process's credentials and mounts in /proc, then drives the whole system: a VirtualIp with a VirtualServer on it
/// is taken by n1, its nftables rules programmed, the client served, Ready shown by kubectl; kill -9 of n1's agent moves
/// it to n2, and n1's agent, restarted the same way, takes it back. None of them reports a refused operation.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class LeastPrivilegeTests(ITestOutputHelper output)
{
    private const string Vip = "10.77.0.250";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    private static readonly string[] Refusals = ["Operation not permitted", "Permission denied", "Read-only file system", "EPERM", "EACCES", "EROFS"];

    [LeastPrivilegeLabFact]
    public void Agents_with_two_capabilities_and_a_read_only_root_and_a_non_root_operator_run_the_whole_system()
    {
        var chart = ChartCommands.Render();
        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        PodHosts.AddWithWebServers(lab);

        var cluster = EndToEndCluster.Start(lab, chart: chart, leastPrivilege: true);
        AssertOperatorConfined(cluster.Operators.Single());
        Assert.All(lab.Nodes, n => AssertAgentConfined(cluster.Agent(n)));

        cluster.Apply("web", EndToEndCluster.VirtualIp("web", Vip, 51, 100));
        cluster.Apply("web-80", PodHosts.WebVirtualServerYaml);
        var ready = cluster.KubectlWait("virtualip/web", "condition=Ready", Settle);
        Assert.True(ready.Ok, $"kubectl wait --for=condition=Ready: {ready.StdOut}{ready.StdErr}\n" + cluster.Describe());
        AssertServedBy(lab, cluster, n1, n2);

        // kill -9 leaves the VIP on n1's eth0 (nothing removes it) while n2 takes over: served once the client follows n2.
        cluster.Agent(n1).Kill9();
        var failover = Wait.Until(() => cluster.Row("web") is { } row && row["MASTER"] == "n2" && lab.HasAddress(n2, Vip), Settle, TimeSpan.FromMilliseconds(100));
        Assert.True(failover is not null, "n2 did not take over after n1's kill -9\n" + cluster.Describe());
        Assert.True(Wait.Until(() => lab.NeighborMac(lab.Client, Vip) == n2.Mac, TimeSpan.FromSeconds(5)) is not null, $"the client does not follow n2's {n2.Mac}");
        AssertProgrammedAndServed(lab, cluster, n2);
        lab.Log($"n2 master after n1's kill -9 in {failover?.TotalMilliseconds:0} ms, client served");

        AssertAgentConfined(cluster.StartAgent(n1));
        AssertServedBy(lab, cluster, n1, n2);

        var processes = lab.Nodes.Select(n => cluster.Agent(n).Process).Append(cluster.Operators.Single());
        Assert.All(processes, p => Assert.DoesNotContain(p.AllLines, l => Refusals.Any(r => l.Contains(r, StringComparison.Ordinal))));
    }

    /// <summary>
    /// The one thing the agent writes besides netlink and nft: VMAC's sysctls (arp_ignore and the like on eth0 and the
    /// macvlan, <c>VmacSysctls</c>). As the chart runs it, /proc/sys is read-only and they fail (the instance fails
    /// alone, saying so; the agent stays up); with /proc/sys
    /// writable (a privileged container) and still only NET_ADMIN and NET_RAW, they succeed and the VIP is served on
    /// the VMAC: no further capability is needed, only a writable /proc/sys.
    /// </summary>
    [LeastPrivilegeLabFact]
    public void Vmac_sysctl_writes_need_a_writable_proc_sys_and_no_further_capability()
    {
        using var lab = LabNetwork.Create(1, output);
        var n1 = lab.Node(1);
        var spec = Variants.Spec(Variants.V3FiftyMs) with { Vmac = "vrrp.51" };
        var refused = AgentPeer.StartConfined(lab, n1, LeastPrivilege.Agent, spec);
        Assert.True(Wait.Until(() => refused.Process.AllLines.Any(l => l.Contains("Read-only file system", StringComparison.Ordinal)), TimeSpan.FromSeconds(15)) is not null,
            $"the agent did not report /proc/sys read-only\n{refused.Describe()}");
        var failed = refused.Process.AllLines.First(l => l.Contains("Read-only file system", StringComparison.Ordinal));
        lab.Log("with /proc/sys read-only: " + failed);
        // The instance fails alone, saying what it needs; the agent stays up (no crash loop).
        Assert.Contains("event=instance-failed", failed, StringComparison.Ordinal);
        Assert.Contains("useVmac needs a writable /proc/sys", failed, StringComparison.Ordinal);
        Assert.True(Wait.HoldsFor(() => !refused.HasExited, TimeSpan.FromSeconds(1)), refused.Describe());
        Assert.False(lab.HasAddress(n1, spec.Vip, "vrrp.51"));
        refused.Process.Kill();

        var agent = AgentPeer.StartConfined(lab, n1, LeastPrivilege.AgentWithWritableProcSys, spec);
        AssertAgentConfined(agent, procSysReadOnly: false);
        Assert.True(Wait.Until(() => lab.HasAddress(n1, spec.Vip, "vrrp.51"), TimeSpan.FromSeconds(15)) is not null, $"n1 did not hold the VIP on its VMAC\n{agent.Describe()}");
        Assert.Equal("1", Sh.Check("ip", "netns", "exec", n1.Namespace, "cat", "/proc/sys/net/ipv4/conf/eth0/arp_ignore").Trim());
        Assert.True(lab.Ping(lab.Client, spec.Vip), $"the client cannot reach the VIP on the VMAC\n{agent.Describe()}");
        Assert.DoesNotContain(agent.Process.AllLines, l => Refusals.Any(r => l.Contains(r, StringComparison.Ordinal)));
    }

    /// <summary>kubectl shows <paramref name="master"/> MASTER and READY, it alone holds the VIP, its nftables table serves the VIP, the client is served.</summary>
    private static void AssertServedBy(LabNetwork lab, EndToEndCluster cluster, LabNode master, LabNode backup)
    {
        var took = Wait.Until(() => cluster.Agent(master).MasterEntries > 0 && cluster.Settled("web", Vip, master, backup), Settle, TimeSpan.FromMilliseconds(100));
        Assert.True(took is not null, $"{master.Name} did not settle as master within {Settle.TotalSeconds:0} s\n{cluster.Describe()}");
        AssertProgrammedAndServed(lab, cluster, master);
        lab.Log($"{master.Name} master after {took?.TotalMilliseconds:0} ms, client served");
    }

    private static void AssertProgrammedAndServed(LabNetwork lab, EndToEndCluster cluster, LabNode master)
    {
        var table = Sh.Run("ip", "netns", "exec", master.Namespace, "nft", "list", "table", "inet", "keepoperator");
        Assert.True(table.Ok && table.StdOut.Contains(Vip, StringComparison.Ordinal), $"{master.Name}'s nftables table does not serve {Vip}: {table.StdOut}{table.StdErr}");
        var served = Wait.Until(() => Sh.Run("ip", "netns", "exec", lab.Client.Namespace, "curl", "-s", "--max-time", "1", $"http://{Vip}/") is { Ok: true } r
            && r.StdOut.Trim() is "pod1" or "pod2", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        Assert.True(served is not null, $"the client is not served through {Vip} on {master.Name}\n{cluster.Describe()}");
    }

    private void AssertAgentConfined(AgentPeer agent, bool procSysReadOnly = true)
    {
        // Until the agent logs, the process may still be one of the wrappers on its way to exec it.
        Assert.True(Wait.Until(() => agent.Process.Lines.Count > 0, TimeSpan.FromSeconds(15)) is not null, agent.Describe());
        var status = LeastPrivilege.Status(agent.Process.Pid);
        output.WriteLine($"{agent}: Uid {status["Uid"]}, CapEff {status["CapEff"]}, CapBnd {status["CapBnd"]}, CapAmb {status["CapAmb"]}, NoNewPrivs {status["NoNewPrivs"]}");
        Assert.DoesNotContain(status["Name"], new[] { "ip", "unshare", "sh", "setpriv", "env" }); // the wrappers exec'ed the agent
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
        {
            Assert.Equal((set, LeastPrivilege.AgentCapabilities), (set, status[set]));
        }

        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.StartsWith("ro", LeastPrivilege.MountOptions(agent.Process.Pid, "/"), StringComparison.Ordinal);
        Assert.StartsWith(procSysReadOnly ? "ro" : "rw", LeastPrivilege.MountOptions(agent.Process.Pid, "/proc/sys"), StringComparison.Ordinal);
    }

    private void AssertOperatorConfined(LabProcess op)
    {
        var status = LeastPrivilege.Status(op.Pid);
        output.WriteLine($"operator: Uid {status["Uid"]}, Gid {status["Gid"]}, Groups '{status["Groups"]}', CapEff {status["CapEff"]}, CapBnd {status["CapBnd"]}, NoNewPrivs {status["NoNewPrivs"]}");
        var uid = LeastPrivilege.OperatorUid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(status["Uid"].Split('\t'), u => Assert.Equal(uid, u));
        Assert.All(status["Gid"].Split('\t'), g => Assert.Equal(uid, g));
        Assert.Equal("", status["Groups"]);
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
        {
            Assert.Equal((set, LeastPrivilege.NoCapabilities), (set, status[set]));
        }

        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.StartsWith("ro", LeastPrivilege.MountOptions(op.Pid, "/"), StringComparison.Ordinal);
        Assert.StartsWith("rw", LeastPrivilege.MountOptions(op.Pid, "/tmp"), StringComparison.Ordinal);
    }
}

/// <summary>A lab fact that also needs Helm 3 (the chart's commands), util-linux's setpriv and unshare, nft, curl and python3.</summary>
public sealed class LeastPrivilegeLabFactAttribute : FactAttribute
{
    public LeastPrivilegeLabFactAttribute() =>
        Skip = LabRequirements.SkipReason ?? HelmToolchain.Helm3.SkipReason
            ?? new[] { "setpriv", "unshare", "nft", "curl", "python3" }.Where(t => Sh.Which(t) is null).Select(t => $"{t} is not installed").FirstOrDefault();
}
