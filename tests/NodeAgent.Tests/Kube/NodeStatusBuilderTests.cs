using KeepOperator.Api.Vocabulary;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Kube;

public sealed class NodeStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ReportsEveryConfiguredInstance_InSpecOrder_RunningOnesWithTheirState()
    {
        var transition = Now.AddSeconds(-5);
        var running = new Dictionary<string, InstanceSnapshot>
        {
            ["web"] = new("web", VrrpState.Master, 100, 80, transition, "master down timer expired"),
            ["db"] = new("db", VrrpState.Initialize, 90, 90, null, null),
            ["dns"] = new("dns", VrrpState.Fault, 90, 90, transition, "tracked check failed (weight 0)"),
        };
        var errors = new Dictionary<string, string> { ["bad"] = "spec.interface: interface \"eth9\" does not exist on this node or has no address" };

        var status = NodeStatusBuilder.Build(["bad", "web", "db", "dns", "pending"], running, errors, 7, Now);

        Assert.Equal(7, status.ObservedGeneration);
        Assert.Equal(Now, status.LastHeartbeatTime);
        Assert.Equal(
            [
                ("bad", "Stopped", (int?)null, (int?)null, (DateTimeOffset?)null, errors["bad"]),
                ("web", "Master", 100, 80, transition, "master down timer expired"),
                ("db", "Stopped", 90, 90, null, null),
                ("dns", "Fault", 90, 90, transition, "tracked check failed (weight 0)"),
                ("pending", "Stopped", null, null, null, "not running"),
            ],
            status.Instances!.Select(i => (i.Name, i.State, i.Priority, i.EffectivePriority, i.LastTransitionTime, i.Message)));
    }

    [Fact]
    public void Another_master_heard_is_reported_once_confirmed_while_current_and_left_out_once_aged()
    {
        var heard = Now.AddSeconds(-2);
        var sighting = new OtherMasterSighting(System.Net.IPAddress.Parse("10.0.0.3"), heard - OtherMasterSighting.Persistence, heard, heard);
        var running = new Dictionary<string, InstanceSnapshot>
        {
            ["web"] = new("web", VrrpState.Master, 100, 100, heard, "master down timer expired", sighting),
            ["old"] = new("old", VrrpState.Master, 100, 100, heard, "master down timer expired", sighting with { FirstHeard = Now.AddMinutes(-2), LastHeard = Now - OtherMasterSighting.MaxAge - TimeSpan.FromSeconds(1) }),
            ["stray"] = new("stray", VrrpState.Backup, 90, 90, heard, "advertisement with higher priority received", sighting with { FirstHeard = heard }),
        };

        var status = NodeStatusBuilder.Build(["web", "old", "stray"], running, new Dictionary<string, string>(), 1, Now);

        Assert.Equal([("web", "10.0.0.3", (DateTimeOffset?)heard), ("old", null, null), ("stray", null, null)], status.Instances!.Select(i => (i.Name, i.OtherMaster, i.OtherMasterLastHeard)));
    }

    [Fact]
    public void ForeignRouters_AreReported_WithoutScope_AndAnEmptyListClearsThem()
    {
        var heard = Now.AddSeconds(-3);
        var status = NodeStatusBuilder.Build([], new Dictionary<string, InstanceSnapshot>(), new Dictionary<string, string>(), 1, Now,
            foreignRouters: [(new ForeignRouter("eth0", System.Net.IPAddress.Parse("10.0.0.9"), 77, 2), heard), (new ForeignRouter("eth0", System.Net.IPAddress.Parse("fe80::9"), 12, 3), heard)]);
        Assert.Equal(
            [("eth0", "IPv4", 77, "10.0.0.9", 2, (DateTimeOffset?)heard), ("eth0", "IPv6", 12, "fe80::9", 3, heard)],
            status.ForeignRouters!.Select(f => (f.Interface, f.Family, f.VirtualRouterId, f.Source, f.Version, f.LastHeard)));

        var none = NodeStatusBuilder.Build([], new Dictionary<string, InstanceSnapshot>(), new Dictionary<string, string>(), 1, Now);
        Assert.NotNull(none.ForeignRouters);
        Assert.Empty(none.ForeignRouters);
    }

    [Fact]
    public void RunningButNoLongerConfigured_IsNotReported()
    {
        var running = new Dictionary<string, InstanceSnapshot> { ["old"] = new("old", VrrpState.Backup, 90, 90, Now, "startup") };
        Assert.Empty(NodeStatusBuilder.Build([], running, new Dictionary<string, string>(), null, Now).Instances!);
    }

    [Fact]
    public void VirtualServers_dataplane_and_their_conditions_are_reported_beside_the_instances()
    {
        var realServer = new KeepOperator.Api.RealServerStatus { Address = "10.77.0.11", Port = 80, Healthy = false, Weight = 0, LastCheckTime = Now, Message = "connect to 10.77.0.11:80: Connection refused" };
        var servers = new KeepOperator.Api.NodeVirtualServerStatus { Namespace = "default", Name = "web", RealServers = [realServer] };
        var loadBalancing = new LoadBalancerStatus([servers], ["IPv4 forwarding is off (net.ipv4.ip_forward is not 1)."]);
        var dataplane = new DataplaneChoice(DataplaneKind.Ipvs, "requested with --dataplane ipvs");

        var status = NodeStatusBuilder.Build([], new Dictionary<string, InstanceSnapshot>(), new Dictionary<string, string>(), 3, Now,
            loadBalancing, dataplane, "kube-proxy runs in IPVS mode here", new Dictionary<string, string> { ["default/bad"] = "spec.port: required" });

        Assert.Equal("ipvs (requested with --dataplane ipvs)", status.Dataplane);
        Assert.Same(realServer, status.VirtualServers!.Single().RealServers!.Single());
        Assert.Equal(
            [
                (ConditionTypes.IpForwarding, "False", "IpForwardingOff"),
                (ConditionTypes.KubeProxyIpvsConflict, "True", "KubeProxyIpvsMode"),
                (ConditionTypes.VirtualServersValid, "False", "InvalidVirtualServer"),
            ],
            status.Conditions!.Select(c => (c.Type, c.Status, c.Reason ?? "")));
        Assert.Equal("default/bad: spec.port: required", status.Conditions![2].Message);
    }

    [Fact]
    public void Conditions_that_no_longer_hold_are_cleared_by_an_empty_list()
    {
        var status = NodeStatusBuilder.Build([], new Dictionary<string, InstanceSnapshot>(), new Dictionary<string, string>(), 3, Now, LoadBalancerStatus.Empty);

        Assert.NotNull(status.Conditions);
        Assert.Empty(status.Conditions);
        Assert.Empty(status.VirtualServers!);
    }
}
