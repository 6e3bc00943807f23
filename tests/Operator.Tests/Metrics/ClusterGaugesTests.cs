using KeepOperator.Api;
using KeepOperator.Api.Pools;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Metrics;
using Xunit;

namespace KeepOperator.Operator.Tests.Metrics;

public sealed class ClusterGaugesTests
{
    [Fact]
    public void Masters_and_split_brain_come_from_the_virtual_ip_status_and_pools_from_theirs()
    {
        var split = new VirtualIp
        {
            Metadata = new() { Name = "web" },
            Status = new VirtualIpStatus
            {
                Nodes = [new() { Name = "n1", State = VrrpStateNames.Master }, new() { Name = "n2", State = VrrpStateNames.Master }],
                Conditions = [new() { Type = ConditionTypes.Ready, Status = "False", Reason = VirtualIpReasons.MultipleMasters }],
            },
        };
        var calm = new VirtualIp
        {
            Metadata = new() { Name = "db" },
            Status = new VirtualIpStatus
            {
                Nodes = [new() { Name = "n1", State = VrrpStateNames.Master }, new() { Name = "n2", State = VrrpStateNames.Backup }],
                Conditions = [new() { Type = ConditionTypes.Ready, Status = "True", Reason = VirtualIpReasons.MasterElected }],
            },
        };
        var fresh = new VirtualIp { Metadata = new() { Name = "new" } };
        var lan = new VirtualIpPool { Metadata = new() { Name = "lan" }, Status = new() { AssignedIPv4 = 3, AvailableIPv4 = 13, AssignedIPv6 = 1, AvailableIPv6 = long.MaxValue } };
        var refused = new VirtualIpPool { Metadata = new() { Name = "bad" }, Status = new() };

        var gauges = ClusterGauges.Of([split, calm, fresh], [lan, refused]);

        Assert.Equal([("db", 1, false), ("web", 2, true)], gauges.VirtualIps);
        Assert.Equal([("lan", "IPv4", 16L, 3L), ("lan", "IPv6", long.MaxValue, 1L)], gauges.Pools);
    }
}
