using System.Diagnostics;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>Runs the real kubectl against the local cluster (KUBECONFIG set, its own HOME for the discovery cache).</summary>
public sealed class Kubectl
{
    private readonly string kubeconfig;
    private readonly string home;

    public Kubectl(string kubeconfig, string workDir)
    {
        this.kubeconfig = kubeconfig;
        home = Path.Combine(workDir, "home");
        Directory.CreateDirectory(home);
    }

    public static string Binary { get; } = Find();

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["HOME"] = home;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in 30 s");
        }

        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs kubectl and fails the test when it exits non-zero.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var r = await RunAsync(args);
        if (r.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kubectl {string.Join(' ', args)} failed: {r}");
        }

        return r.Stdout;
    }

    private static string Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("kubectl is not installed (looked on PATH, /usr/bin, /usr/local/bin); the kubectl tests need the real binary");
    }
}
