using Xunit;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>keepoperator-localcluster's command line, parsed without starting a server.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Flags_set_their_options()
    {
        var parsed = LocalClusterCommandLine.Parse(["--listen", "127.0.0.1:6443", "--kubeconfig", "kc", "--data", "d.json", "--watch-history", "5", "--bookmark-interval", "0.5", "--verbose"], TextWriter.Null);
        var options = Assert.IsType<LocalClusterOptions>(parsed.Options);
        Assert.Equal(("127.0.0.1:6443", "kc", "d.json", 5, TimeSpan.FromMilliseconds(500), TextWriter.Null),
            (options.Listen, options.KubeconfigPath, options.DataPath, options.WatchHistory, options.BookmarkInterval, options.RequestLog));
    }

    [Fact]
    public void Unset_flags_keep_their_defaults()
    {
        var options = LocalClusterCommandLine.Parse(["--kubeconfig", "kc"], TextWriter.Null).Options!;
        Assert.Equal(("127.0.0.1:0", null, 10_000, TimeSpan.FromSeconds(10), null),
            (options.Listen, options.DataPath, options.WatchHistory, options.BookmarkInterval, options.RequestLog));
    }

    [Theory]
    [InlineData("--watch-history: must be an integer, got \"lots\"", "--kubeconfig", "kc", "--watch-history", "lots")]
    [InlineData("--bookmark-interval: must be a number of seconds, got \"10s\"", "--kubeconfig", "kc", "--bookmark-interval", "10s")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "--kubeconfig", "kc", "--frobnicate")]
    [InlineData("Option '--kubeconfig' is required", "--listen", "127.0.0.1:0")]
    public void Bad_usage_exits_two_naming_the_problem(string message, params string[] args)
    {
        var parsed = LocalClusterCommandLine.Parse(args, TextWriter.Null);
        Assert.Null(parsed.Options);
        Assert.Equal(2, parsed.ExitCode);
        Assert.Contains($"keepoperator-localcluster: {message}", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_exits_zero_and_names_the_flags()
    {
        var parsed = LocalClusterCommandLine.Parse(["-h"], TextWriter.Null);
        Assert.Equal(0, parsed.ExitCode);
        Assert.Equal("", parsed.Error);
        foreach (var flag in new[] { "--listen", "--kubeconfig", "--data", "--watch-history", "--bookmark-interval", "--verbose" })
        {
            Assert.Contains(flag, parsed.Output, StringComparison.Ordinal);
        }
    }
}
