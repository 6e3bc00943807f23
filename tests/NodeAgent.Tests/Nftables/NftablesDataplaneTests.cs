using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Nftables;

public sealed class NftablesDataplaneTests
{
    /// <summary>Records every script; fails the next run when told to, as nft would on a rejected script.</summary>
    private sealed class RecordingRunner : INftablesRunner
    {
        public List<string> Scripts { get; } = [];

        public bool FailNext { get; set; }

        public Task RunAsync(string script, CancellationToken cancellationToken)
        {
            Scripts.Add(script);
            if (FailNext)
            {
                FailNext = false;
                throw new NftablesException(1, "Error: simulated");
            }
            return Task.CompletedTask;
        }
    }

    private static IReadOnlyList<LoadBalancedService> WithoutSecondWebServer()
    {
        var web = NftablesSamples.Web;
        return [web with { Destinations = [web.Destinations[0], web.Destinations[2]] }, .. NftablesSamples.All.Skip(1)];
    }

    [Fact]
    public async Task Applies_full_then_incremental_then_nothing()
    {
        var runner = new RecordingRunner();
        var dataplane = new NftablesDataplane(runner);

        Assert.Equal(NftablesPlanKind.Full, (await dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None)).Kind);
        Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync(WithoutSecondWebServer(), CancellationToken.None)).Kind);
        Assert.Equal(NftablesPlanKind.None, (await dataplane.ApplyAsync(WithoutSecondWebServer(), CancellationToken.None)).Kind);

        Assert.Equal(2, runner.Scripts.Count);
        Assert.StartsWith("add table inet keepoperator\ndelete table", runner.Scripts[0], StringComparison.Ordinal);
        Assert.StartsWith("flush chain inet keepoperator vs_tcp_10_77_7_250_80\n", runner.Scripts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_run_makes_the_next_apply_full()
    {
        var runner = new RecordingRunner();
        var dataplane = new NftablesDataplane(runner);
        await dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None);

        runner.FailNext = true;
        await Assert.ThrowsAsync<NftablesException>(() => dataplane.ApplyAsync(WithoutSecondWebServer(), CancellationToken.None));
        var retry = await dataplane.ApplyAsync(WithoutSecondWebServer(), CancellationToken.None);

        Assert.Equal(NftablesPlanKind.Full, retry.Kind);
        Assert.Equal(3, runner.Scripts.Count);
    }

    [Fact]
    public async Task Remove_deletes_the_table_and_forgets_the_state()
    {
        var runner = new RecordingRunner();
        var dataplane = new NftablesDataplane(runner);
        await dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None);

        await dataplane.RemoveAsync(CancellationToken.None);
        var again = await dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None);

        Assert.Equal(NftablesRulesetRenderer.RenderRemove(), runner.Scripts[1]);
        Assert.Equal(NftablesPlanKind.Full, again.Kind);
    }

    [Fact]
    public async Task The_desired_list_is_copied_so_later_mutation_cannot_fake_an_applied_state()
    {
        var runner = new RecordingRunner();
        var dataplane = new NftablesDataplane(runner);
        var desired = NftablesSamples.All.ToList();
        await dataplane.ApplyAsync(desired, CancellationToken.None);

        desired[0] = WithoutSecondWebServer()[0];
        var plan = await dataplane.ApplyAsync(desired, CancellationToken.None);

        Assert.Equal(NftablesPlanKind.Incremental, plan.Kind);
    }
}
