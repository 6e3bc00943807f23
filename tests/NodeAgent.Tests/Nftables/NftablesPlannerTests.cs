using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Nftables;

public sealed class NftablesPlannerTests
{
    private static readonly IReadOnlyList<LoadBalancedService> Applied = NftablesSamples.All;

    [Fact]
    public void Unknown_state_renders_the_full_table()
    {
        var plan = NftablesPlanner.Plan(null, Applied);
        Assert.Equal(NftablesPlanKind.Full, plan.Kind);
        Assert.Equal(NftablesRulesetRenderer.RenderFull(Applied).Text, plan.Script.Text);
    }

    [Fact]
    public void Same_state_needs_nothing()
    {
        var plan = NftablesPlanner.Plan(Applied, Applied.ToList());
        Assert.Equal(NftablesPlanKind.None, plan.Kind);
        Assert.Equal("", plan.Script.Text);
    }

    [Fact]
    public void Reordering_real_servers_is_a_change_because_it_moves_slots()
    {
        var desired = Applied.ToList();
        var dns = NftablesSamples.Dns;
        desired[1] = dns with { Destinations = [dns.Destinations[1], dns.Destinations[0]] };
        Assert.Equal(NftablesPlanKind.Incremental, NftablesPlanner.Plan(Applied, desired).Kind);
    }

    [Fact]
    public void A_health_change_touches_only_that_virtual_server()
    {
        var desired = Applied.ToList();
        var web = NftablesSamples.Web;
        desired[0] = web with { Destinations = [web.Destinations[1], web.Destinations[2]] };

        var plan = NftablesPlanner.Plan(Applied, desired);

        Assert.Equal(NftablesPlanKind.Incremental, plan.Kind);
        Assert.Equal(NftablesRulesetRenderer.RenderUpdate([(web, desired[0])]).Text, plan.Script.Text);
        var touched = plan.Script.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[4])
            .Distinct()
            .ToList();
        Assert.Equal(["vs_tcp_10_77_7_250_80", "vs_tcp_10_77_7_250_80_backends", "vs_tcp_10_77_7_250_80_persist"], touched);
    }

    [Fact]
    public void Removing_a_quiesced_server_flushes_persistence_without_changing_slots()
    {
        var desired = Applied.ToList();
        var web = NftablesSamples.Web;
        desired[0] = web with { Destinations = [web.Destinations[0], web.Destinations[1]] };

        var plan = NftablesPlanner.Plan(Applied, desired);

        Assert.Equal(NftablesPlanKind.Incremental, plan.Kind);
        Assert.Contains("flush map inet keepoperator vs_tcp_10_77_7_250_80_persist\n", plan.Script.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scheduler_change_rewrites_only_that_virtual_servers_chain()
    {
        var desired = Applied.ToList();
        // wrr and wlc give the same weighted slots; only the selector in the chain's rule differs.
        desired[0] = desired[0] with { Service = desired[0].Service with { Scheduler = "wlc" } };

        var plan = NftablesPlanner.Plan(Applied, desired);

        Assert.Equal(NftablesPlanKind.Incremental, plan.Kind);
        Assert.Contains("add rule inet keepoperator vs_tcp_10_77_7_250_80 meta l4proto tcp dnat ip to numgen random mod 4 map @vs_tcp_10_77_7_250_80_backends comment \"wlc approximated by weighted random\"\n", plan.Script.Text, StringComparison.Ordinal);
    }

    public static TheoryData<string> StructuralChanges => new()
    {
        "added", "removed", "reordered", "persistence", "mark ports",
    };

    [Theory]
    [MemberData(nameof(StructuralChanges))]
    public void Anything_beyond_real_servers_renders_the_full_table(string change)
    {
        var desired = Applied.ToList();
        switch (change)
        {
            case "added":
                desired.Add(NftablesSamples.Empty with { Service = new VirtualService(ServiceKey.ForFirewallMark(99)) });
                break;
            case "removed":
                desired.RemoveAt(1);
                break;
            case "reordered":
                (desired[0], desired[1]) = (desired[1], desired[0]);
                break;
            case "persistence":
                desired[0] = desired[0] with { Service = desired[0].Service with { PersistenceTimeout = 30 } };
                break;
            default:
                // Port-less real servers turn the mark service's map into address-only values: another map type.
                desired[4] = desired[4] with { Destinations = [NftablesSamples.Nat("10.77.7.21", 0, 1)] };
                break;
        }
        var plan = NftablesPlanner.Plan(Applied, desired);
        Assert.Equal(NftablesPlanKind.Full, plan.Kind);
        Assert.Equal(NftablesRulesetRenderer.RenderFull(desired).Text, plan.Script.Text);
    }
}
