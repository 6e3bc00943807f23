using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>
/// The fuzz campaign: on any text the parser and the whole conversion return (accepted, or rejected with errors),
/// never throw, and finish quickly. Inputs are built from keepalived's own vocabulary so that they get deep into the
/// converter, plus arbitrary strings for the lexer. The counts are printed, and both outcomes must occur.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Pieces =
    [
        "global_defs", "router_id", "vrrp_instance", "vrrp_script", "virtual_server", "real_server", "TCP_CHECK", "HTTP_GET", "url", "path",
        "status_code", "virtual_ipaddress", "authentication", "auth_type", "auth_pass", "PASS", "AH", "track_script", "state", "MASTER",
        "BACKUP", "interface", "eth0", "virtual_router_id", "priority", "advert_int", "version", "nopreempt", "preempt_delay", "weight",
        "script", "interval", "rise", "fall", "lb_algo", "rr", "lb_kind", "DR", "protocol", "TCP", "persistence_timeout", "delay_loop",
        "connect_port", "connect_timeout", "nb_get_retry", "delay_before_retry", "fwmark", "sorry_server", "quorum", "hysteresis",
        "notify_master", "vrrp_sync_group", "include fuzz.conf", "include *.conf", "include nothing/*", "dev", "label", "group",
        "10.0.0.1", "10.0.0.1/24", "fd00::1", "80", "0", "-1", "255", "256", "1.5", "99999999999", "VI_1", "x",
        "{", "}", "{", "}", "\"", "\"quoted words\"", "!", "#", "##", "\\#", "\\", "\n", "\n", "\n", "\r\n", " ", " ", " ", "\t",
    ];

    private static Gen<string> ConfigLike =>
        Gen.Choose(0, 80).SelectMany(n => Gen.OneOf(Gen.Elements(Pieces), ArbMap.Default.GeneratorFor<char>().Select(c => c.ToString())).ArrayOf(n))
            .Select(parts => string.Join(" ", parts));

    [Fact]
    public void ConversionNeverThrowsAndTerminatesOnConfigLikeText() =>
        Campaign(ConfigLike, "config-like", runs: 2000);

    /// <summary>The seed's master with a few random cuts and insertions: mostly valid, so the converter's depths are reached.</summary>
    [Fact]
    public void ConversionNeverThrowsAndTerminatesOnMutatedSeeds()
    {
        var seed = File.ReadAllText(RepositoryPaths.SeedMaster);
        var edit = Gen.Zip(Gen.Choose(0, seed.Length), Gen.Zip(Gen.Choose(0, 12), Gen.Elements(Pieces)), (at, change) => (At: at, Cut: change.Item1, Insert: change.Item2));
        Campaign(Gen.Choose(1, 4).SelectMany(n => edit.ArrayOf(n)).Select(edits => Mutate(seed, edits)), "mutated-seed", runs: 1000);
    }

    [Fact]
    public void ConversionNeverThrowsAndTerminatesOnArbitraryText() =>
        Campaign(ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""), "arbitrary", runs: 2000);

    private static string Mutate(string seed, (int At, int Cut, string Insert)[] edits)
    {
        var text = seed;
        foreach (var (at, cut, insert) in edits)
        {
            var start = Math.Min(at, text.Length);
            text = text[..start] + insert + text[Math.Min(text.Length, start + cut)..];
        }

        return text;
    }

    private void Campaign(Gen<string> inputs, string name, int runs)
    {
        // The first conversion loads and compiles the YAML stack; keep that out of the per-input time bound.
        KeepalivedConverter.Convert([RepositoryPaths.SeedMaster], new Dictionary<string, string>(), PhysicalConfigFileSource.Instance);
        int accepted = 0, rejected = 0;
        var slowest = TimeSpan.Zero;
        Prop.ForAll(inputs.ToArbitrary(), text =>
        {
            var files = new InMemoryConfigFiles(new() { ["fuzz.conf"] = text, ["other.conf"] = text });
            var watch = Stopwatch.StartNew();
            var result = KeepalivedConverter.Convert(["fuzz.conf"], new Dictionary<string, string>(), files);
            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            if (result.Succeeded)
            {
                accepted++;
            }
            else
            {
                rejected++;
                Assert.Equal("", result.Yaml);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed} on {text.Length} characters");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(runs));

        output.WriteLine($"{name}: {runs} inputs: {accepted} accepted, {rejected} rejected with errors, none threw; slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.Equal(runs, accepted + rejected);
        Assert.True(accepted > 0 && rejected > 0, $"{name}: {accepted} accepted, {rejected} rejected: the inputs should reach both outcomes");
    }
}
