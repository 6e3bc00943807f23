using System.Net;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>Every rendered script goes through the real nft and kernel, inside a namespace of our own.</summary>
public sealed class NftablesSyntaxTests
{
    private static IEnumerable<LoadBalancedService> Variants()
    {
        var key = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
        var servers = new[] { NftablesSamples.Nat("10.0.1.1", 80, 65535), NftablesSamples.Nat("10.0.1.2", 0, 1) };
        foreach (var scheduler in new[] { "rr", "wrr", "lc", "wlc", "sh", "dh", "mh", "fo", "sed", "nq", "ovf", "lblc", "lblcr" })
        {
            yield return new LoadBalancedService(new VirtualService(key) { Scheduler = scheduler, Flags = ServiceFlags.Sched2 }, servers);
        }
        yield return new LoadBalancedService(
            new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Sctp, IPAddress.Parse("2001:db8::1"), 443))
            {
                Scheduler = "sh",
                Flags = ServiceFlags.Persistent,
                NetmaskPrefixLength = 64,
            },
            NftablesSamples.Nat("2001:db8::2", 8443, 1));
        yield return new LoadBalancedService(
            new VirtualService(ServiceKey.ForFirewallMark(3, System.Net.Sockets.AddressFamily.InterNetworkV6)) { Flags = ServiceFlags.Persistent },
            NftablesSamples.Nat("2001:db8::2", 0, 1));
    }

    [RootFact]
    public void Every_full_script_passes_nft_check_mode()
    {
        using var ns = new NetworkNamespace("check");
        var scripts = Variants().Select(v => NftablesRulesetRenderer.RenderFull([v]).Text)
            .Append(NftablesRulesetRenderer.RenderFull(NftablesSamples.All).Text)
            .Append(NftablesRulesetRenderer.RenderFull([]).Text)
            .Append(NftablesRulesetRenderer.RenderRemove());
        foreach (var script in scripts)
        {
            var result = ns.CheckScript(script);
            Assert.True(result.ExitCode == 0, $"nft -c rejected:\n{script}\n{result.Error}");
        }
    }

    [RootFact]
    public async Task Updates_apply_on_top_of_the_full_table_and_leave_other_tables_alone()
    {
        using var ns = new NetworkNamespace("apply");
        var runner = new NftProcessRunner("ip", ["netns", "exec", ns.Name, "nft"]);
        await runner.RunAsync("table ip other {\n\tchain keep {\n\t}\n}\n", CancellationToken.None);
        var dataplane = new NftablesDataplane(runner);

        Assert.Equal(NftablesPlanKind.Full, (await dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None)).Kind);
        var update = NftablesRulesetRenderer.RenderUpdate(NftablesSamples.Changes).Text;
        var check = ns.CheckScript(update);
        Assert.True(check.ExitCode == 0, $"nft -c rejected:\n{update}\n{check.Error}");
        var changed = NftablesSamples.Changes.Select(c => c.After).ToList();
        Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync(changed, CancellationToken.None)).Kind);
        Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None)).Kind);

        string listed = ns.Exec(TimeSpan.FromSeconds(10), null, "nft", "list", "table", "inet", "keepoperator").Output;
        Assert.Contains("elements = { 0 : 10.77.7.11 . 8080, 1 : 10.77.7.11 . 8080, 2 : 10.77.7.11 . 8080, 3 : 10.77.7.12 . 80 }", listed, StringComparison.Ordinal);

        await dataplane.RemoveAsync(CancellationToken.None);
        await dataplane.RemoveAsync(CancellationToken.None);
        Assert.Equal("table ip other\n", ns.Exec(TimeSpan.FromSeconds(10), null, "nft", "list", "tables").Output);
    }

    [RootFact]
    public async Task A_rejected_script_reports_nft_error_text()
    {
        using var ns = new NetworkNamespace("reject");
        var runner = new NftProcessRunner("ip", ["netns", "exec", ns.Name, "nft"]);
        var error = await Assert.ThrowsAsync<NftablesException>(() => runner.RunAsync("flush chain inet keepoperator missing\n", CancellationToken.None));
        Assert.Equal(1, error.ExitCode);
        Assert.Contains("Error:", error.Message, StringComparison.Ordinal);
    }
}
