using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Kube;
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
    public void RunningButNoLongerConfigured_IsNotReported()
    {
        var running = new Dictionary<string, InstanceSnapshot> { ["old"] = new("old", VrrpState.Backup, 90, 90, Now, "startup") };
        Assert.Empty(NodeStatusBuilder.Build([], running, new Dictionary<string, string>(), null, Now).Instances!);
    }
}
