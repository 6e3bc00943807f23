using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>The command line: arguments, exit codes, and what goes to stdout and stderr.</summary>
public class CommandTests
{
    private static readonly InMemoryConfigFiles Files = new(new()
    {
        ["good.conf"] = "global_defs {\n router_id lb1\n}\nvrrp_instance V {\n virtual_router_id 9\n virtual_ipaddress {\n  10.0.0.9\n }\n}\n",
        ["bad.conf"] = "global_defs {\n router_id lb2\n}\n}\nvrrp_instance V {\n",
    });

    [Fact]
    public void PrintsYamlAndExitsZero()
    {
        var run = Run.Convert(Files, "good.conf", "--node-name-map", "lb1=node-a");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  - nodeName: node-a\n    priority: 100\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void ASyntaxErrorNamesTheLinePrintsNothingAndExitsOne()
    {
        var run = Run.Convert(Files, "good.conf", "bad.conf");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal(
            [
                "bad.conf:4: error: '}' without a matching '{'",
                "bad.conf:5: error: '{' is never closed (the file ends first)",
                "keepoperator convert: 2 error(s): nothing converted",
            ],
            run.StderrLines);
    }

    [Fact]
    public void AMissingFileIsAnError()
    {
        var run = Run.Convert(Files, "missing.conf");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: missing.conf: cannot read: No such file or directory", run.StderrLines[0]);
    }

    [Theory]
    [InlineData("", "Required argument 'FILE' missing")]
    [InlineData("--node-name-map lb1", "--node-name-map: expected ROUTER_ID=NODE, got \"lb1\"")]
    [InlineData("good.conf --node-name-map lb1=a,lb1=b", "--node-name-map: lb1 is mapped twice")]
    [InlineData("good.conf --node-name-map", "--node-name-map")]
    [InlineData("good.conf --verbose", "unknown option or missing value: --verbose")]
    public void BadUsageExitsTwoWithTheReason(string commandLine, string reason)
    {
        var run = Run.Convert(Files, commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(run.StderrLines, line => line.StartsWith("keepoperator: ", StringComparison.Ordinal) && line.Contains(reason, StringComparison.Ordinal));
        Assert.Equal("see 'keepoperator --help' for usage", run.StderrLines[^1]);
    }

    [Fact]
    public void HelpExitsZeroAndNamesTheOption()
    {
        var run = Run.Convert(Files, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("keepoperator convert <FILE>...", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--node-name-map", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void RepeatedMapsAddUpOnTheCommandLine()
    {
        var run = Run.Convert(Files, "good.conf", "--node-name-map", "lb0=other", "--node-name-map", "lb1=node-b");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  - nodeName: node-b\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralMapsAddUp()
    {
        var map = new Dictionary<string, string>();
        Assert.True(KeepalivedConvertCommand.TryAddNodeNames("lb01=n1, lb02 = n2", map, out _));
        Assert.True(KeepalivedConvertCommand.TryAddNodeNames("lb03=n3", map, out _));
        Assert.Equal(new Dictionary<string, string> { ["lb01"] = "n1", ["lb02"] = "n2", ["lb03"] = "n3" }, map);
    }
}
