using System.Globalization;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// keepoperator-agent in one lab node: <c>keepoperator-agent --config FILE --node-name NAME</c>, run as
/// <c>dotnet keepoperator-agent.dll</c> from the test output directory (or the program named by KEEPOPERATOR_AGENT:
/// a .dll is run with dotnet, anything else is executed, e.g. a NativeAOT binary). Its stdout is logfmt, one event a line.
/// </summary>
public sealed class AgentPeer : IVrrpPeer
{
    private AgentPeer(LabNode node, LabProcess process, string config)
    {
        Node = node;
        Process = process;
        ConfigFile = config;
    }

    public string Kind => "agent";

    public LabNode Node { get; }

    public LabProcess Process { get; }

    public string ConfigFile { get; }

    public bool HasExited => Process.HasExited;

    /// <summary>Parsed stdout lines.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Events => Process.Lines.Select(Logfmt.Parse).ToList();

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Transitions => EventsOf("transition");

    public int MasterEntries => Transitions.Count(e => e.GetValueOrDefault("to") == "Master");

    public int MasterExits => Transitions.Count(e => e.GetValueOrDefault("from") == "Master");

    /// <summary>
    /// The value of one sample in the agent's /metrics, scraped from inside its node's namespace on the default metrics
    /// port; null when the sample is absent or the scrape failed.
    /// </summary>
    public double? Metric(string sample)
    {
        var r = Sh.Run("ip", ["netns", "exec", Node.Namespace, "curl", "-s", "--max-time", "2", "http://127.0.0.1:9650/metrics"], TimeSpan.FromSeconds(5));
        var line = r.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The program and leading arguments that run the agent.</summary>
    public static (string File, string[] Args) Command
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("KEEPOPERATOR_AGENT");
            if (string.IsNullOrEmpty(path))
            {
                path = Path.Combine(AppContext.BaseDirectory, "keepoperator-agent.dll");
            }

            path = Path.GetFullPath(path);
            return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? (Sh.Which("dotnet") ?? "dotnet", [path])
                : (path, []);
        }
    }

    public static AgentPeer Start(LabNetwork lab, LabNode node, params VipSpec[] specs) => StartWith(lab, node, VipSpec.ToYaml(specs));

    /// <summary>Standalone with a configuration file of <paramref name="yaml"/> and further command-line arguments.</summary>
    public static AgentPeer StartWith(LabNetwork lab, LabNode node, string yaml, params string[] extraArgs) => StartBehind(lab, node, [], yaml, extraArgs);

    /// <summary>Standalone with <paramref name="specs"/>, run behind <paramref name="prefix"/> (see <see cref="LeastPrivilege"/>).</summary>
    public static AgentPeer StartConfined(LabNetwork lab, LabNode node, IReadOnlyList<string> prefix, params VipSpec[] specs) =>
        StartBehind(lab, node, prefix, VipSpec.ToYaml(specs), []);

    private static AgentPeer StartBehind(LabNetwork lab, LabNode node, IReadOnlyList<string> prefix, string yaml, string[] extraArgs)
    {
        var name = lab.UniqueName($"{node.Name}-agent");
        var config = lab.WriteFile(name + ".yaml", yaml);
        var (file, args) = Command;
        var (wrapped, wrappedArgs) = LeastPrivilege.Wrap(prefix, file, [.. args, "--config", config, "--node-name", node.Name, .. extraArgs]);
        var p = lab.Start(node, name, wrapped, wrappedArgs);
        return new AgentPeer(node, p, config);
    }

    /// <summary>
    /// Cluster mode: <c>--node-name NODE --kubeconfig FILE</c>, following NodeAgentConfig NODE (<see cref="ConfigFile"/>
    /// is the kubeconfig), run behind <paramref name="prefix"/> (see <see cref="LeastPrivilege"/>) if one is given.
    /// </summary>
    public static AgentPeer StartCluster(LabNetwork lab, LabNode node, string kubeconfig, IReadOnlyList<string>? prefix = null)
    {
        var (file, args) = Command;
        var (wrapped, wrappedArgs) = LeastPrivilege.Wrap(prefix ?? [], file, [.. args, "--node-name", node.Name, "--kubeconfig", kubeconfig]);
        var p = lab.Start(node, lab.UniqueName($"{node.Name}-cluster-agent"), wrapped, wrappedArgs);
        return new AgentPeer(node, p, kubeconfig);
    }

    /// <summary>Cluster mode with a rendered environment and args (the chart's), the API server given as KUBECONFIG.</summary>
    public static AgentPeer StartRendered(LabNetwork lab, LabNode node, string kubeconfig, IEnumerable<string> environment, IEnumerable<string> args, IReadOnlyList<string>? prefix = null)
    {
        var (file, leading) = Command;
        var (wrapped, wrappedArgs) = LeastPrivilege.Wrap(prefix ?? [], "env", ["KUBECONFIG=" + kubeconfig, .. environment, file, .. leading, .. args]);
        var p = lab.Start(node, lab.UniqueName($"{node.Name}-chart-agent"), wrapped, wrappedArgs);
        return new AgentPeer(node, p, kubeconfig);
    }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> EventsOf(string evt) =>
        Events.Where(e => e.GetValueOrDefault("event") == evt).ToList();

    /// <summary>drop events of <paramref name="reason"/>, with their total= values.</summary>
    public IReadOnlyList<long> DropTotals(string reason) =>
        EventsOf("drop").Where(e => e.GetValueOrDefault("reason") == reason)
            .Select(e => long.TryParse(e.GetValueOrDefault("total"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : -1)
            .ToList();

    public void Kill9()
    {
        Process.Signal(Native.SIGKILL);
        Process.WaitForExit(TimeSpan.FromSeconds(5));
    }

    public void Term() => Process.Signal(Native.SIGTERM);

    public bool WaitForExit(TimeSpan timeout) => Process.WaitForExit(timeout);

    /// <summary>For assertion messages: why the agent may not be doing anything.</summary>
    public string Describe()
    {
        var state = HasExited ? $"exited with {Process.ExitCode}" : "running";
        var tail = Process.AllLines.TakeLast(15);
        return $"agent on {Node.Name} ({state}); last output:\n  " + string.Join("\n  ", tail);
    }

    public override string ToString() => $"agent on {Node.Name}";
}
