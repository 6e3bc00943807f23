using System.Diagnostics;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>Runs short-lived commands (ip, ping, sysctl) and returns their output.</summary>
public static class Sh
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public bool Ok => ExitCode == 0;
    }

    public static Result Run(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(20)))
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            p.WaitForExit();
            return new Result(-1, stdout.Result, stderr.Result + $"\n(timed out: {file} {string.Join(' ', args)})");
        }

        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>Runs the command and throws with its stderr when it fails.</summary>
    public static string Check(string file, params string[] args)
    {
        var r = Run(file, args);
        if (!r.Ok)
        {
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed ({r.ExitCode}): {r.StdErr.Trim()}");
        }

        return r.StdOut;
    }

    /// <summary>Finds an executable on PATH (and in the sbin directories, which a non-root PATH may lack).</summary>
    public static string? Which(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]);
        foreach (var d in dirs)
        {
            var f = Path.Combine(d, name);
            if (File.Exists(f))
            {
                return f;
            }
        }

        return null;
    }
}
