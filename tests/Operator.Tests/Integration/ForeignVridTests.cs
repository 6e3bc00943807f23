using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>
/// An agent's status says it hears foreign VRRP routers on its interface: over LocalCluster, the operator flags a VirtualIp
/// that asked for one of their VRIDs and allocates a new VirtualIp none of them.
/// </summary>
public sealed class ForeignVridTests(OperatorWorkflowFixture fixture) : IClassFixture<OperatorWorkflowFixture>
{
    private OperatorCluster C => fixture.Cluster;

    private static string Vip(string name, string address, string extra = "") => $"""
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIp
        metadata:
          name: {name}
        spec:
          addresses: ["{address}"]
          interface: foreign0
          nodeSelector:
            test: foreign
          {extra}
        """;

    [Fact]
    public async Task Heard_vrids_are_never_allocated_and_a_requested_one_is_flagged()
    {
        await C.CreateNodeAsync("foreign-n1", new() { ["test"] = "foreign" });
        await EventuallyAsync(() => C.GetNodeAgentConfigAsync("foreign-n1"), c => c is not null, "foreign-n1's NodeAgentConfig");
        ForeignRouterStatus Heard(int vrid) => new() { Interface = "foreign0", Family = "IPv4", VirtualRouterId = vrid, Source = "192.0.2.9", Version = 2, LastHeard = DateTimeOffset.UtcNow };
        await C.ReportForeignRoutersAsync("foreign-n1", Heard(1), Heard(2));

        // Asked for: kept and given to the agents, but flagged (which also shows the operator has read the report).
        await C.ApplyAsync(Vip("foreign-asked", "10.77.1.250", "virtualRouterId: 2"));
        var asked = await EventuallyAsync(() => C.GetVirtualIpAsync("foreign-asked"),
            v => v?.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Conflict && c.Reason == VirtualIpReasons.ForeignVirtualRouterId) == true, "the foreign-VRID condition");
        var conflict = asked!.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Conflict);
        Assert.Equal("True", conflict.Status);
        Assert.Contains("192.0.2.9 (VRRPv2, heard by foreign-n1 on foreign0)", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(2, await EventuallyAsync(() => C.VirtualRouterIdAsync("foreign-n1", "foreign-asked"), v => v is not null, "foreign-asked's instance"));

        // Allocated: past the heard VRIDs (and the one taken above).
        await C.ApplyAsync(Vip("foreign-new", "10.77.1.251"));
        Assert.Equal(3, await EventuallyAsync(() => C.VirtualRouterIdAsync("foreign-n1", "foreign-new"), v => v is not null, "foreign-new's instance"));
        var allocated = await EventuallyAsync(() => C.GetVirtualIpAsync("foreign-new"), v => v?.Status?.VirtualRouterId is not null, "foreign-new's status");
        Assert.Equal(3, allocated!.Status!.VirtualRouterId);
        Assert.Equal("False", allocated.Status.Conditions!.Single(c => c.Type == ConditionTypes.Conflict).Status);
    }
}
