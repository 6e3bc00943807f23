using System.Diagnostics;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Notify;
using KeepOperator.NodeAgent.Tests.Hosting;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Notify;

/// <summary>Real processes: a shell script that records its arguments, and one that outlives its timeout.</summary>
public sealed class NotifyScriptRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keepoperator-notify-").FullName;
    private readonly CapturedLog _log = new();

    /// <summary>An executable script appending its arguments, one line per run, to a file.</summary>
    internal static (string Script, string Output) RecordingScript(string directory)
    {
        var output = Path.Combine(directory, "calls");
        var script = Path.Combine(directory, "record.sh");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" >> '{output}'\n");
        if (!OperatingSystem.IsWindows()) // the agent is Linux only; the guard is for the platform analyzer
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return (script, output);
    }

    [Fact]
    public async Task The_generic_script_gets_keepaliveds_four_arguments()
    {
        var (script, output) = RecordingScript(_directory);
        var runner = new NotifyScriptRunner(_log.Log);
        runner.Notify("web", VrrpState.Master, 100, new NotifySettings { Any = [script], Master = [script, "became master"], Timeout = TimeSpan.FromSeconds(5) });
        await runner.DrainAsync();

        var lines = File.ReadAllLines(output);
        Assert.Contains("INSTANCE web MASTER 100", lines);
        Assert.Contains("became master", lines);
        Assert.Equal(2, _log.Lines.Count(l => l.Contains("event=notify", StringComparison.Ordinal) && l.Contains("exit=0", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_script_past_its_timeout_is_killed_without_blocking_the_caller()
    {
        var runner = new NotifyScriptRunner(_log.Log, killGrace: TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        var run = runner.Start("web", ["/bin/sleep", "30"], TimeSpan.FromMilliseconds(200));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "Start must return at once");

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains(_log.Lines, l => l.Contains("event=notify", StringComparison.Ordinal) && l.Contains("exit=timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_program_is_logged()
    {
        var runner = new NotifyScriptRunner(_log.Log);
        await runner.Start("web", [Path.Combine(_directory, "missing")], TimeSpan.FromSeconds(1));
        Assert.Contains(_log.Lines, l => l.Contains("event=notify", StringComparison.Ordinal) && l.Contains("error=", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _log.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
