using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepOperator.Api;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// tools/LocalCluster as the lab's API server. Agents run inside node namespaces, which cannot reach the root
/// namespace's 127.0.0.1, so the server runs inside the switch namespace on <see cref="Address"/> (added to br0):
/// every node reaches it over the lab bridge. The test drives it with curl run in that namespace too.
/// Objects persist in a data file, so a killed server restarts with them.
/// </summary>
public sealed class ClusterAgentApiServer
{
    public const string Address = LabNetwork.Subnet4 + ".1";
    public const int Port = 17443;

    private readonly LabNetwork _lab;
    private readonly LabNode _switch;
    private readonly string _dll;
    private readonly string _data;

    private ClusterAgentApiServer(LabNetwork lab, string dll)
    {
        _lab = lab;
        _dll = dll;
        _switch = new LabNode("switch", lab.SwitchNamespace, Address, "", "");
        Kubeconfig = Path.Combine(lab.TempDir, "kubeconfig");
        _data = Path.Combine(lab.TempDir, "localcluster.json");
    }

    public string Kubeconfig { get; }

    public LabProcess Process { get; private set; } = null!;

    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://{Address}:{Port}");

    /// <summary>Starts the server and installs the NodeAgentConfig CRD (the agent tests' fixture).</summary>
    public static ClusterAgentApiServer Start(LabNetwork lab)
    {
        Sh.Check("ip", "-n", lab.SwitchNamespace, "addr", "add", Address + "/24", "dev", "br0");
        var server = new ClusterAgentApiServer(lab, FindLocalCluster());
        server.Restart();
        server.Send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "crds", "keepoperator.io_nodeagentconfigs.yaml")), "application/yaml");
        return server;
    }

    /// <summary>(Re)starts the server on the same address with the objects it had; returns once it serves.</summary>
    public void Restart()
    {
        Process = _lab.Start(_switch, _lab.UniqueName("localcluster"), Sh.Which("dotnet") ?? "dotnet",
            [_dll, "--listen", $"{Address}:{Port}", "--kubeconfig", Kubeconfig, "--data", _data]);
        var ready = Wait.Until(() => Process.Lines.Any(l => l.StartsWith("localcluster ready", StringComparison.Ordinal)) || Process.HasExited, TimeSpan.FromSeconds(30));
        if (ready is null || Process.HasExited)
        {
            throw new InvalidOperationException("LocalCluster did not start: " + string.Join("\n", Process.AllLines));
        }
    }

    public void Kill9()
    {
        Process.Signal(Native.SIGKILL);
        Process.WaitForExit(TimeSpan.FromSeconds(5));
    }

    public void Create(NodeAgentConfig config) =>
        Send("POST", "/apis/keepoperator.io/v1alpha1/nodeagentconfigs", JsonSerializer.Serialize(config, ApiJsonContext.Default.NodeAgentConfig), "application/json");

    /// <summary>Merge-patches the spec (its instance list is replaced whole).</summary>
    public void ReplaceSpec(NodeAgentConfig config) =>
        Send("PATCH", "/apis/keepoperator.io/v1alpha1/nodeagentconfigs/" + config.Metadata.Name,
            "{\"spec\":" + JsonSerializer.Serialize(config.Spec, ApiJsonContext.Default.NodeAgentConfigSpec) + "}", "application/merge-patch+json");

    /// <summary>The object at <paramref name="path"/>, or null when the GET fails.</summary>
    public JsonNode? Get(string path)
    {
        var r = Curl("GET", path, null, null);
        return r.Ok ? JsonNode.Parse(r.StdOut) : null;
    }

    /// <summary>The state the node reports for <paramref name="instance"/> in its NodeAgentConfig status, or null.</summary>
    public string? ReportedState(string node, string instance)
    {
        var instances = Get("/apis/keepoperator.io/v1alpha1/nodeagentconfigs/" + node)?["status"]?["instances"]?.AsArray();
        return instances?.FirstOrDefault(i => i?["name"]?.GetValue<string>() == instance)?["state"]?.GetValue<string>();
    }

    private void Send(string method, string path, string body, string contentType)
    {
        var r = Curl(method, path, body, contentType);
        if (!r.Ok)
        {
            throw new InvalidOperationException($"{method} {path}: {r.StdOut} {r.StdErr}");
        }
    }

    private Sh.Result Curl(string method, string path, string? body, string? contentType)
    {
        List<string> args = ["netns", "exec", _lab.SwitchNamespace, "curl", "-sS", "--fail-with-body", "--max-time", "5", "-X", method];
        if (body is not null)
        {
            var file = _lab.WriteFile(_lab.UniqueName("request") + ".body", body);
            args.AddRange(["-H", "Content-Type: " + contentType, "--data-binary", "@" + file]);
        }

        args.Add(Url + path);
        return Sh.Run("ip", args);
    }

    /// <summary>KEEPOPERATOR_LOCALCLUSTER, else tools/LocalCluster's build output (built once if missing).</summary>
    private static string FindLocalCluster()
    {
        var configured = Environment.GetEnvironmentVariable("KEEPOPERATOR_LOCALCLUSTER");
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured);
        }

        return BuildOutput(Path.Combine("tools", "LocalCluster"), "keepoperator-localcluster.dll");
    }

    /// <summary>
    /// <paramref name="dll"/> in the build output of the project in <paramref name="projectDir"/> (relative to the
    /// repository root) for this test run's configuration, built once if missing: the lab tests do not reference it.
    /// </summary>
    internal static string BuildOutput(string projectDir, string dll)
    {
        var project = Path.Combine(RepositoryRoot(), projectDir);
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var path = Path.Combine(project, "bin", configuration, "net10.0", dll);
        if (!File.Exists(path))
        {
            var build = Sh.Run("dotnet", ["build", project, "-c", configuration, "--nologo", "-v", "q"], TimeSpan.FromMinutes(5));
            if (!build.Ok)
            {
                throw new InvalidOperationException($"building {projectDir} failed: " + build.StdOut + build.StdErr);
            }
        }

        return path;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KeepOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KeepOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
