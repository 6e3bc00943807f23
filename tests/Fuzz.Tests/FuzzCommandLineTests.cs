using Xunit;

namespace KeepOperator.Fuzz.Tests;

/// <summary>keepoperator-fuzz's command line, parsed without running a campaign.</summary>
public sealed class FuzzCommandLineTests
{
    [Fact]
    public void A_campaign_takes_its_bounds_and_seed_files()
    {
        var parsed = FuzzCommandLine.Parse(["campaign", "vrrp-packet", "--seed", "7", "a.hex", "--inputs", "50", "b.hex", "--seconds", "3", "--timeout-ms", "500"]);
        var run = Assert.IsType<FuzzInvocation>(parsed.Options);
        Assert.Equal(("campaign", "vrrp-packet", 7, 50, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(500)),
            (run.Mode, run.Target.Name, run.Options.RandomSeed, run.Options.MaxInputs, run.Options.Duration, run.Options.InputTimeout));
        Assert.Equal(["a.hex", "b.hex"], run.Paths);
    }

    [Fact]
    public void Unset_bounds_keep_their_defaults_and_seeds_keeps_dir_before_files()
    {
        var run = FuzzCommandLine.Parse(["seeds", "keepalived-conf", "out", "x.conf", "y.conf"]).Options!;
        Assert.Equal((1, int.MaxValue, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)),
            (run.Options.RandomSeed, run.Options.MaxInputs, run.Options.Duration, run.Options.InputTimeout));
        Assert.Equal(["out", "x.conf", "y.conf"], run.Paths);
    }

    [Theory]
    [InlineData("--seed: must be an integer, got \"abc\"", "campaign", "vrrp-packet", "--seed", "abc", "a.hex")]
    [InlineData("--timeout-ms: must be an integer, got \"1s\"", "replay", "vrrp-packet", "--timeout-ms", "1s", "dir")]
    [InlineData("TARGET: vrrp-packet or keepalived-conf or netlink-reply or ipvs-message or api-json, got \"nope\"", "replay", "nope", "dir")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "afl", "vrrp-packet", "--frobnicate")]
    [InlineData("Required argument 'FILE' missing", "dict", "vrrp-packet")]
    [InlineData("Unrecognized command or argument 'fuzz'", "fuzz", "vrrp-packet")]
    public void Bad_usage_exits_two_naming_the_problem(string message, params string[] args)
    {
        var parsed = FuzzCommandLine.Parse(args);
        Assert.Null(parsed.Options);
        Assert.Equal(2, parsed.ExitCode);
        Assert.Contains($"keepoperator-fuzz: {message}", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_exits_zero_and_names_the_commands_and_options()
    {
        var parsed = FuzzCommandLine.Parse(["--help"]);
        Assert.Equal(0, parsed.ExitCode);
        Assert.Null(parsed.Options);
        foreach (var word in new[] { "campaign", "replay", "seeds", "dict", "afl", "--seed", "--inputs", "--seconds", "--timeout-ms" })
        {
            Assert.Contains(word, parsed.Output, StringComparison.Ordinal);
        }
    }
}
