using System.Globalization;
using System.Text.Json.Nodes;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// The whole system in a lab, driven as a user drives it: LocalCluster in the switch namespace (see
/// <see cref="ClusterAgentApiServer"/>), the repository's CRDs, a Node per lab node and the Secret default/vrrp applied
/// with the real kubectl, the operator beside the API server, and a cluster-mode agent in each node namespace.
/// Reads go through kubectl too. Everything it starts belongs to the lab, which kills it on dispose.
/// </summary>
public sealed class EndToEndCluster
{
    public const string VrrpPassword = "lll";

    private const string KubectlPath = "/usr/bin/kubectl";

    private const string VirtualIpTemplate = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIp
        metadata:
          name: NAME
        spec:
          addresses: ["ADDRESS"]
          interface: eth0
          vrrpVersion: 2
          advertInterval: 1s
          virtualRouterId: VRID
          authentication:
            type: PASS
            passwordSecretRef: {name: vrrp, key: password}
          priorities:
          - {nodeName: n1, priority: N1PRIORITY}
          - {nodeName: n2, priority: 90}
        """;

    private readonly LabNetwork _lab;
    private readonly LabNode _switch;
    private readonly string _home;
    private readonly Dictionary<string, AgentPeer> _agents = new(StringComparer.Ordinal);
    private readonly List<LabProcess> _operators = [];
    private readonly ChartCommands? _chart;
    private readonly bool _leastPrivilege;

    private EndToEndCluster(LabNetwork lab, ClusterAgentApiServer api, ChartCommands? chart, bool leastPrivilege)
    {
        _lab = lab;
        Api = api;
        _chart = chart;
        _leastPrivilege = leastPrivilege;
        _switch = new LabNode("switch", lab.SwitchNamespace, ClusterAgentApiServer.Address, "", "");
        _home = Directory.CreateDirectory(Path.Combine(lab.TempDir, "home")).FullName; // kubectl's discovery cache
    }

    public ClusterAgentApiServer Api { get; }

    /// <summary>Every operator process started, in order (the first by <see cref="Start"/>).</summary>
    public IReadOnlyList<LabProcess> Operators => _operators;

    /// <summary>The agent now running (or last run) on <paramref name="node"/>.</summary>
    public AgentPeer Agent(LabNode node) => _agents[node.Name];

    /// <summary>
    /// Applies the CRDs, Nodes and Secret, starts the operator (as <paramref name="operatorIdentity"/>), waits for its
    /// NodeAgentConfigs, then starts an agent on every node and waits until each has reported. With
    /// <paramref name="chart"/>, the operator and the agents run with exactly the chart's rendered args and env; with
    /// <paramref name="leastPrivilege"/>, with only the privileges the chart's securityContexts give (<see cref="LeastPrivilege"/>).
    /// </summary>
    public static EndToEndCluster Start(LabNetwork lab, string? operatorIdentity = null, ChartCommands? chart = null, bool leastPrivilege = false)
    {
        var cluster = new EndToEndCluster(lab, ClusterAgentApiServer.Start(lab), chart, leastPrivilege);
        cluster.KubectlCheck("apply", "-f", Path.Combine(ClusterAgentApiServer.RepositoryRoot(), "deploy", "crds"));
        // The VirtualIps' passwordSecretRef names no namespace: the operator's own is meant (the release namespace, where
        // the chart's operator also keeps its Lease), and the agents must read the Secret from there (issue 13).
        var operatorNamespace = chart is null ? "default" : ChartCommands.Namespace;
        var objects = lab.Nodes.Select(n => $"apiVersion: v1\nkind: Node\nmetadata:\n  name: {n.Name}\n");
        if (chart is not null)
        {
            objects = objects.Append($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {operatorNamespace}\n");
        }

        objects = objects.Append($"apiVersion: v1\nkind: Secret\nmetadata:\n  name: vrrp\n  namespace: {operatorNamespace}\nstringData:\n  password: {VrrpPassword}\n");

        cluster.Apply("cluster", string.Join("---\n", objects));
        var op = cluster.StartOperator(operatorIdentity);

        // An agent started before its NodeAgentConfig exists reports only at its next heartbeat, 10 s later, so the
        // agents start once the operator has written the objects.
        string[] nodes = [.. lab.Nodes.Select(n => n.Name)];
        if (Wait.Until(() => cluster.Kubectl(["get", "nodeagentconfig", .. nodes]).Ok, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200)) is null)
        {
            throw new InvalidOperationException("the operator created no NodeAgentConfigs\n" + string.Join("\n", op.AllLines.TakeLast(20)));
        }

        foreach (var node in lab.Nodes)
        {
            cluster.StartAgent(node);
        }

        if (Wait.Until(() => nodes.All(n => cluster.Heartbeat(n) is not null), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200)) is null)
        {
            throw new InvalidOperationException("the agents did not report\n" + cluster.Describe());
        }

        return cluster;
    }

    /// <summary>A VirtualIp for n1 (at <paramref name="n1Priority"/>) and n2 (at 90), v2, 1 s adverts, the Secret's password.</summary>
    public static string VirtualIp(string name, string address, int vrid, int n1Priority) => VirtualIpTemplate
        .Replace("NAME", name, StringComparison.Ordinal)
        .Replace("ADDRESS", address, StringComparison.Ordinal)
        .Replace("VRID", vrid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("N1PRIORITY", n1Priority.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary><c>keepoperator run</c> in the switch namespace; <paramref name="identity"/> names it in the Lease.</summary>
    public LabProcess StartOperator(string? identity = null)
    {
        var dll = ClusterAgentApiServer.BuildOutput(Path.Combine("src", "Operator"), "keepoperator.dll");
        if (_chart is not null)
        {
            var name = _lab.UniqueName(identity ?? "chart-operator");
            var pod = $"ko-keepoperator-operator-{_operators.Count}"; // the downward API's metadata.name
            var chartOperator = StartOperatorProcess(name, "env",
                ["KUBECONFIG=" + OperatorKubeconfig(), .. _chart.Operator.Environment(field => field == "metadata.name" ? pod : throw new NotSupportedException(field)),
                 Sh.Which("dotnet") ?? "dotnet", dll, .. _chart.Operator.Args]);
            _operators.Add(chartOperator);
            return chartOperator;
        }

        List<string> args = [dll, "run", "--kubeconfig", OperatorKubeconfig(), "--leader-election-namespace", "default"];
        if (identity is not null)
        {
            args.AddRange(["--identity", identity]);
        }

        var op = StartOperatorProcess(_lab.UniqueName(identity ?? "operator"), Sh.Which("dotnet") ?? "dotnet", args);
        _operators.Add(op);
        return op;
    }

    private LabProcess StartOperatorProcess(string name, string file, IEnumerable<string> args)
    {
        var (wrapped, wrappedArgs) = LeastPrivilege.Wrap(_leastPrivilege ? LeastPrivilege.Operator : [], file, args);
        return _lab.Start(_switch, name, wrapped, wrappedArgs);
    }

    /// <summary>
    /// The API server's kubeconfig; for an operator of another uid, a copy that uid owns (as a pod's ServiceAccount
    /// token is mounted for its user) in the lab's directory, which that uid may then traverse but not list.
    /// </summary>
    private string OperatorKubeconfig()
    {
        if (!_leastPrivilege)
        {
            return Api.Kubeconfig;
        }

        var copy = Path.Combine(_lab.TempDir, "operator-kubeconfig");
        File.Copy(Api.Kubeconfig, copy, overwrite: true);
        Sh.Check("chmod", "0400", copy);
        Sh.Check("chown", $"{LeastPrivilege.OperatorUid}:{LeastPrivilege.OperatorUid}", copy);
        Sh.Check("chmod", "o+x", _lab.TempDir);
        return copy;
    }

    /// <summary>Starts (or restarts) the cluster-mode agent on <paramref name="node"/>.</summary>
    public AgentPeer StartAgent(LabNode node)
    {
        var prefix = _leastPrivilege ? LeastPrivilege.Agent : [];
        return _agents[node.Name] = _chart is null
            ? AgentPeer.StartCluster(_lab, node, Api.Kubeconfig, prefix)
            : AgentPeer.StartRendered(_lab, node, Api.Kubeconfig, _chart.Agent.Environment(field => field == "spec.nodeName" ? node.Name : throw new NotSupportedException(field)), _chart.Agent.Args, prefix);
    }

    /// <summary>kubectl in the switch namespace, against the lab's LocalCluster.</summary>
    public Sh.Result Kubectl(params string[] args) =>
        Sh.Run("ip", ["netns", "exec", _lab.SwitchNamespace, "env", "HOME=" + _home, KubectlPath, "--kubeconfig", Api.Kubeconfig, "--request-timeout=5s", .. args]);

    /// <summary><c>kubectl wait --for=CONDITION RESOURCE</c> (a watch: no per-request timeout), bounded by <paramref name="timeout"/>.</summary>
    public Sh.Result KubectlWait(string resource, string condition, TimeSpan timeout) =>
        Sh.Run("ip", ["netns", "exec", _lab.SwitchNamespace, "env", "HOME=" + _home, KubectlPath, "--kubeconfig", Api.Kubeconfig,
            "wait", "--for=" + condition, resource, $"--timeout={(int)timeout.TotalSeconds}s"], timeout + TimeSpan.FromSeconds(5));

    /// <summary>kubectl that must succeed; its stdout.</summary>
    public string KubectlCheck(params string[] args)
    {
        var r = Kubectl(args);
        if (!r.Ok)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} failed ({r.ExitCode}): {r.StdOut}{r.StdErr}");
        }

        return r.StdOut;
    }

    /// <summary><c>kubectl apply -f</c> of <paramref name="yaml"/> written to NAME.yaml in the lab's directory.</summary>
    public string Apply(string name, string yaml) => KubectlCheck("apply", "-f", _lab.WriteFile(_lab.UniqueName(name) + ".yaml", yaml));

    /// <summary>The node's last heartbeat in its NodeAgentConfig status; null while there is none (or no object).</summary>
    public DateTimeOffset? Heartbeat(string node)
    {
        var r = Kubectl("get", "nodeagentconfig", node, "-o", "jsonpath={.status.lastHeartbeatTime}");
        return r.Ok && DateTimeOffset.TryParse(r.StdOut, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }

    public JsonNode? Status(string virtualIp) => JsonNode.Parse(KubectlCheck("get", "vip", virtualIp, "-o", "json"))?["status"];

    /// <summary>
    /// The VirtualIp's row of <c>kubectl get virtualips</c> by header (NAME ADDRESS VRID MASTER BACKUPS READY AGE); null
    /// when kubectl fails or the row is missing or incomplete. No cell holds a space.
    /// </summary>
    public Dictionary<string, string>? Row(string virtualIp)
    {
        var r = Kubectl("get", "virtualips");
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var row = lines.Skip(1).FirstOrDefault(f => f[0] == virtualIp);
        return !r.Ok || row is null || row.Length != lines[0].Length ? null : lines[0].Zip(row).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>
    /// Settled: kubectl shows <paramref name="master"/> as MASTER, <paramref name="backup"/> among the BACKUPS and READY
    /// True, and <paramref name="master"/> is the only node whose eth0 holds <paramref name="address"/>.
    /// </summary>
    public bool Settled(string virtualIp, string address, LabNode master, LabNode backup) =>
        Row(virtualIp) is { } r && r["MASTER"] == master.Name && r["BACKUPS"].Contains(backup.Name, StringComparison.Ordinal) && r["READY"] == "True"
        && _lab.Holders(address).SequenceEqual([master]);

    /// <summary>For assertion messages: the agents, the operators and the VirtualIps as the API server has them.</summary>
    public string Describe() =>
        string.Join("\n", _agents.Values.Select(a => a.Describe()))
        + string.Concat(_operators.Select(o => $"\noperator {o.Name} ({(o.HasExited ? "exited" : "running")}):\n  " + string.Join("\n  ", o.AllLines.TakeLast(15))))
        + "\n" + Kubectl("get", "virtualips", "-o", "yaml").StdOut;
}
