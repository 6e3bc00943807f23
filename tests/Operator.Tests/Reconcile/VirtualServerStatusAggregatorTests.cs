using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;
using static KeepOperator.Operator.Tests.VirtualServerObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class VirtualServerStatusAggregatorTests
{
    private static readonly DateTimeOffset Now = Epoch.AddMinutes(10);

    private static readonly VirtualServer Server = Vs("api", realServers: [("10.1.0.1", null, null), ("10.1.0.2", 8080, 3)]);

    private static VirtualServerPlan Plan(VirtualServer server) =>
        Planner.Build(State([Vip("web")], [Node("n1"), Node("n2")]) with { VirtualServerInputs = new([server], [], []) }, new PlannerOptions())
            .VirtualServers[VirtualServerPlanner.Key(server)];

    private static VirtualIp WithMaster(string? master)
    {
        var vip = Vip("web");
        vip.Status = new VirtualIpStatus { Master = master };
        return vip;
    }

    private static NodeAgentConfig Reporting(string node, params (string Address, int Port, bool Healthy)[] servers) => new()
    {
        Metadata = new ObjectMeta { Name = node },
        Status = new NodeAgentConfigStatus
        {
            LastHeartbeatTime = Now,
            VirtualServers =
            [
                new NodeVirtualServerStatus
                {
                    Namespace = "default",
                    Name = "api",
                    RealServers = servers.Select(s => new RealServerStatus { Address = s.Address, Port = s.Port, Healthy = s.Healthy, Weight = 1, Message = s.Healthy ? "ok" : "connection refused" }).ToList(),
                },
            ],
        },
    };

    private static VirtualServerStatus Aggregate(VirtualServer server, VirtualIp? vip, params NodeAgentConfig[] configs) =>
        VirtualServerStatusAggregator.Aggregate(server, Plan(server), vip, n => configs.FirstOrDefault(c => c.Metadata.Name == n), Now);

    private static (string, string) ReadyOf(VirtualServerStatus status)
    {
        var ready = Assert.Single(status.Conditions!);
        Assert.Equal((ConditionTypes.Ready, 3L, Now), (ready.Type, ready.ObservedGeneration ?? 0, ready.LastTransitionTime ?? default));
        return (ready.Status, ready.Reason!);
    }

    [Fact]
    public void MastersReport_GivesHealthPerPlannedServer_AndReady()
    {
        var status = Aggregate(Server, WithMaster("n2"),
            Reporting("n1", ("10.1.0.1", 80, true), ("10.1.0.2", 8080, true)),
            Reporting("n2", ("10.1.0.1", 80, false), ("10.1.0.2", 8080, true), ("10.9.9.9", 80, true)));

        Assert.Equal(("n2", "10.0.0.10", 3L), (status.Node, status.Address, status.ObservedGeneration ?? 0));
        Assert.Equal((1, 2, "1/2"), (status.Healthy ?? -1, status.Total ?? -1, status.HealthySummary));
        Assert.Equal(["10.1.0.1:80 False connection refused", "10.1.0.2:8080 True ok"], status.RealServers!.Select(r => $"{r.Address}:{r.Port} {r.Healthy} {r.Message}"));
        Assert.Equal(("True", VirtualServerReasons.Serving), ReadyOf(status));
    }

    [Fact]
    public void MasterNotReportingYet_IsNotProgrammed_ButShowsAnotherNodesHealth()
    {
        var status = Aggregate(Server, WithMaster("n2"), Reporting("n1", ("10.1.0.1", 80, true)));

        Assert.Equal("1/2", status.HealthySummary);
        Assert.Equal("not reported by any node yet", status.RealServers![1].Message);
        Assert.Equal(("False", VirtualServerReasons.NotProgrammed), ReadyOf(status));
    }

    [Fact]
    public void NoHealthyServer_OrNoMaster_IsNotReady()
    {
        Assert.Equal(("False", VirtualServerReasons.NoHealthyRealServers), ReadyOf(Aggregate(Server, WithMaster("n1"), Reporting("n1", ("10.1.0.1", 80, false)))));

        var masterless = Aggregate(Server, WithMaster(null), Reporting("n1", ("10.1.0.1", 80, true)));
        Assert.Null(masterless.Node);
        Assert.Equal(("False", VirtualServerReasons.NoMaster), ReadyOf(masterless));
    }

    [Fact]
    public void RefusedByTheMastersDataplane_IsNotReady_SaysWhy_AndWarnsOnce()
    {
        var refusing = Reporting("n1");
        refusing.Status!.VirtualServers![0].Refused = "forwarding DR needs IPVS, which this node's kernel lacks";

        var status = Aggregate(Server, WithMaster("n1"), refusing);

        Assert.Equal(("False", VirtualServerReasons.ForwardingUnsupported), ReadyOf(status));
        Assert.Equal("n1 (master of web) refuses it: forwarding DR needs IPVS, which this node's kernel lacks", status.Conditions![0].Message);
        var warning = VirtualServerStatusAggregator.Refusal(null, status);
        Assert.Equal(("Warning", VirtualServerReasons.ForwardingUnsupported), (warning?.Type, warning?.Reason));
        Assert.Null(VirtualServerStatusAggregator.Refusal(status, status)); // once, not on every status write
        Assert.Null(VirtualServerStatusAggregator.Refusal(null, Aggregate(Server, WithMaster("n1"), Reporting("n1", ("10.1.0.1", 80, true)))));
    }

    [Fact]
    public void Withheld_SaysWhy_AndCountsNothing()
    {
        var status = Aggregate(Vs("api", service: "missing"), WithMaster("n1"), Reporting("n1", ("10.1.0.1", 80, true)));

        Assert.Equal("0/0", status.HealthySummary);
        Assert.Equal(("False", VirtualServerReasons.ServiceNotFound), ReadyOf(status));
        Assert.StartsWith("not given to agents: Service default/missing", status.Conditions![0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LastTransitionTime_MovesOnlyWhenReadyFlips()
    {
        var server = Vs("api", realServers: [("10.1.0.1", null, null)]);
        var earlier = Now.AddMinutes(-5);
        server.Status = new VirtualServerStatus { Conditions = [new Condition { Type = ConditionTypes.Ready, Status = "True", LastTransitionTime = earlier }] };

        var still = VirtualServerStatusAggregator.Aggregate(server, Plan(server), WithMaster("n1"), _ => Reporting("n1", ("10.1.0.1", 80, true)), Now);
        var flipped = VirtualServerStatusAggregator.Aggregate(server, Plan(server), WithMaster("n1"), _ => Reporting("n1", ("10.1.0.1", 80, false)), Now);

        Assert.Equal(earlier, still.Conditions![0].LastTransitionTime);
        Assert.Equal(Now, flipped.Conditions![0].LastTransitionTime);
    }

    [Fact]
    public void A_static_virtual_server_is_spoken_for_by_the_first_of_its_nodes_reporting_it()
    {
        var server = Vs("api", address: "10.0.0.40", realServers: [("10.1.0.1", null, null), ("10.1.0.2", 8080, 3)]);
        server.Spec.VirtualIpRef = null;
        Assert.Equal(("False", VirtualServerReasons.NotProgrammed), ReadyOf(Aggregate(server, null)));
        Assert.Equal("none of its nodes (n1, n2) has reported it yet", Aggregate(server, null).Conditions![0].Message);

        var status = Aggregate(server, null, Reporting("n2", ("10.1.0.1", 80, true), ("10.1.0.2", 8080, false)));
        Assert.Equal(("True", VirtualServerReasons.Serving), ReadyOf(status));
        Assert.Equal(("n2", "10.0.0.40", "1/2"), (status.Node, status.Address, status.HealthySummary));
    }
}
