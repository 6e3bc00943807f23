using KeepOperator.Lab.Tests.Lab;

namespace KeepOperator.Lab.Tests.KernelLab;

/// <summary>
/// One run of tools/kernel-lab/run.sh for the whole test run: Debian's kernel under qemu with real IPVS, every
/// scenario in tools/kernel-lab/scenarios inside it. Started by the first test that asks, shared by the rest.
/// </summary>
public static class KernelLabRun
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(25);
    private static readonly Lazy<Result> s_result = new(Run);

    public sealed record Result(string Output, string Directory, IReadOnlyDictionary<string, string[]> Scenarios)
    {
        public string LogOf(string scenario)
        {
            var path = Path.Combine(Directory, scenario + ".log");
            return File.Exists(path) ? File.ReadAllText(path) : "(no log: the VM stopped before this scenario)";
        }
    }

    public static Result Current => s_result.Value;

    private static string ScriptDirectory => Path.Combine(ClusterAgentApiServer.RepositoryRoot(), "tools", "kernel-lab");

    /// <summary>
    /// The scenarios' names (file names without .sh), in the order the VM runs them: run.sh's default, the numbered
    /// ones (bench-* scenarios are benchmarks, run by bench/ scripts).
    /// </summary>
    public static IEnumerable<object[]> ScenarioNames =>
        System.IO.Directory.GetFiles(Path.Combine(ScriptDirectory, "scenarios"), "*.sh")
            .Select(f => Path.GetFileNameWithoutExtension(f)!).Where(n => char.IsAsciiDigit(n[0]))
            .Order(StringComparer.Ordinal).Select(n => new object[] { n });

    /// <summary>Why the kernel lab cannot run here (null when it can).</summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable("KEEPOPERATOR_KERNEL_LAB_SKIP") == "1" ? "KEEPOPERATOR_KERNEL_LAB_SKIP=1"
        : LabRequirements.SkipReason
        ?? new[] { "qemu-system-x86_64", "busybox", "cpio", "ipvsadm", "depmod", "curl", "python3" }
            .Where(t => Sh.Which(t) is null).Select(t => $"{t} is not installed (tools/install-deps.sh installs it)").FirstOrDefault();

    private static Result Run()
    {
        // Under /var/tmp: the VM mounts its own tmpfs over /tmp, and this directory is shared with it by path.
        var output = Path.Combine("/var/tmp", $"kernel-lab-test-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(output);
        var run = Sh.Run("env", ["KERNEL_LAB_OUT=" + output, "bash", Path.Combine(ScriptDirectory, "run.sh")], Bound);
        var results = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var tsv = Path.Combine(output, "results.tsv");
        if (File.Exists(tsv))
        {
            foreach (var fields in File.ReadAllLines(tsv).Select(l => l.Split('\t')).Where(f => f.Length >= 4))
            {
                results[fields[0]] = fields;
            }
        }

        return new Result($"exit {run.ExitCode}\n{run.StdOut}\n{run.StdErr}", output, results);
    }
}
