using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>The in-process libnftables runner against the real kernel, from a thread inside a throwaway namespace.</summary>
public sealed class LibNftablesRunnerTests
{
    [RootFact]
    public void Applies_full_and_incremental_transactions_in_the_namespace_it_runs_in()
    {
        using var ns = new NetworkNamespace("libnft");
        using var thread = new NamespaceThread(ns.Name);
        using var runner = thread.Invoke(() => LibNftablesRunner.TryCreate(out var reason) ?? throw new InvalidOperationException(reason));
        var dataplane = new NftablesDataplane(runner);

        var full = thread.Invoke(() => dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None).GetAwaiter().GetResult());
        var changed = NftablesSamples.Changes.Select(c => c.After).ToList();
        var update = thread.Invoke(() => dataplane.ApplyAsync(changed, CancellationToken.None).GetAwaiter().GetResult());
        var back = thread.Invoke(() => dataplane.ApplyAsync(NftablesSamples.All, CancellationToken.None).GetAwaiter().GetResult());
        string listed = ns.Exec(TimeSpan.FromSeconds(10), null, "nft", "list", "table", "inet", "keepoperator").Output;

        Assert.Equal(NftablesPlanKind.Full, full.Kind);
        Assert.Equal(NftablesPlanKind.Incremental, update.Kind);
        Assert.Equal(NftablesPlanKind.Incremental, back.Kind);
        Assert.Contains("elements = { 0 : 10.77.7.11 . 8080, 1 : 10.77.7.11 . 8080, 2 : 10.77.7.11 . 8080, 3 : 10.77.7.12 . 80 }", listed, StringComparison.Ordinal);

        thread.Invoke(() => dataplane.RemoveAsync(CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal("", ns.Exec(TimeSpan.FromSeconds(10), null, "nft", "list", "tables").Output);
    }

    [RootFact]
    public void A_rejected_script_reports_the_error_text_and_applies_nothing_of_it()
    {
        using var ns = new NetworkNamespace("libnftbad");
        using var thread = new NamespaceThread(ns.Name);
        using var runner = thread.Invoke(() => LibNftablesRunner.TryCreate(out var reason) ?? throw new InvalidOperationException(reason));

        var error = thread.Invoke(() => Assert.Throws<NftablesException>(() =>
            runner.RunAsync("add table ip partial\nflush chain inet keepoperator missing\n", CancellationToken.None).GetAwaiter().GetResult()));
        thread.Invoke(() => runner.RunAsync("add table ip good\n", CancellationToken.None).GetAwaiter().GetResult());

        Assert.Equal(1, error.ExitCode);
        Assert.Contains("Error:", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Equal("table ip good\n", ns.Exec(TimeSpan.FromSeconds(10), null, "nft", "list", "tables").Output);
    }
}
