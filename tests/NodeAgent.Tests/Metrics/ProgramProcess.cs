using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace KeepOperator.NodeAgent.Tests.Metrics;

/// <summary>
/// One of this repository's programs as a process of its own, its output collected: SIGTERM to stop it the way
/// Kubernetes does, SIGKILL on dispose if it still runs. Shared by the agent's and the operator's metric tests.
/// </summary>
public sealed partial class ProgramProcess : IDisposable
{
    private const int SIGTERM = 15;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ProgramProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    public static ProgramProcess Start(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return new ProgramProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}"));
    }

    /// <summary>
    /// A program's DLL in its own project's build output (built with the test project, same configuration). Not the
    /// test's directory: there package assemblies the ASP.NET Core framework also has (the operator's
    /// Microsoft.Extensions.*) are missing, because the test host takes them from that framework, which LocalCluster brings.
    /// </summary>
    public static string BuildOutput(string project, string dll)
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)); // tests/X/bin/<Configuration>/net10.0
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, project, "bin", configuration, "net10.0", dll);
    }

    /// <summary>SIGTERM; the exit code (null: still running after <paramref name="timeout"/>).</summary>
    public int? Stop(TimeSpan timeout)
    {
        if (Kill(Process.Id, SIGTERM) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {Process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return WaitForExit(timeout);
    }

    /// <summary>The exit code once the process ended and its output was read; null while it still runs after <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            return null;
        }
        Process.WaitForExit(); // after an exit, this one returns once the output readers reached its end
        return Process.ExitCode;
    }

    /// <summary>For failure messages.</summary>
    public string Describe()
    {
        var state = Process.HasExited ? $"exited with {Process.ExitCode}" : "running";
        return $"{Process.StartInfo.FileName} {string.Join(' ', Process.StartInfo.ArgumentList)} ({state})\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }
        Process.WaitForExit(5000); // also drains the output readers
        Process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static void Append(StringBuilder to, string? line)
    {
        if (line is not null)
        {
            lock (to)
            {
                to.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder from)
    {
        lock (from)
        {
            return from.ToString();
        }
    }
}
