using System.Diagnostics;
using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>
/// An include glob through a directory the user cannot read matches nothing there, as glob(3) does for keepalived;
/// it used to escape the converter as an UnauthorizedAccessException. Root reads everything, so as root the command
/// runs as nobody (setpriv); otherwise in-process.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnreadableIncludeTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("keepoperator-convert-").FullName;

    public UnreadableIncludeTests()
    {
        var locked = Directory.CreateDirectory(Path.Combine(folder, "locked"));
        File.WriteAllText(Path.Combine(locked.FullName, "a.conf"), "global_defs {\n}\n");
        locked.UnixFileMode = UnixFileMode.None;
        File.WriteAllText(Path.Combine(folder, "k.conf"), $"include {locked.FullName}/*.conf\n");
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(folder, "k.conf"), (UnixFileMode)0b110_100_100);
    }

    [Fact]
    public void AnIncludeThroughAnUnreadableDirectoryMatchesNothing()
    {
        var conf = Path.Combine(folder, "k.conf");
        var (exitCode, stderr) = Environment.UserName == "root" ? RunAsNobody(conf) : RunInProcess(conf);

        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.Contains($"k.conf:1: warning: include {folder}/locked/*.conf: no file matches", stderr, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }

    private static (int ExitCode, string Stderr) RunInProcess(string conf)
    {
        var run = Run.Convert(conf);
        return (run.ExitCode, run.Stderr);
    }

    private static (int ExitCode, string Stderr) RunAsNobody(string conf)
    {
        var start = new ProcessStartInfo("setpriv")
        {
            ArgumentList = { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", Path.Combine(AppContext.BaseDirectory, "keepoperator.dll"), "convert", conf },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment = { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp", ["DOTNET_NOLOGO"] = "1" },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "keepoperator convert did not finish");
        return (process.ExitCode, stderr.Result);
    }

    public void Dispose()
    {
        File.SetUnixFileMode(Path.Combine(folder, "locked"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(folder, recursive: true);
    }
}
