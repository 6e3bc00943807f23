using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Logging;
using KeepOperator.LocalCluster;
using KeepOperator.LocalCluster.Tests;
using KeepOperator.Operator.Hosting;
using KeepOperator.Operator.Kube;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>
/// An in-process LocalCluster with the (test-only) CRDs, a KubernetesClient, kubectl, and operator instances started on
/// demand with short timings. Helpers play the user (nodes, VirtualIps) and the node agents (NodeAgentConfig status).
/// </summary>
public sealed class OperatorCluster : IAsyncDisposable
{
    private readonly List<(CancellationTokenSource Stop, Task Run, Kubernetes Client)> operators = [];
    private readonly Dictionary<OperatorRunner, int> runnerIndex = [];

    private OperatorCluster(string directory, LocalClusterServer server, Kubernetes client)
    {
        Directory = directory;
        Server = server;
        Client = client;
        Kubectl = new Kubectl(KubeconfigPath, directory);
    }

    public string Directory { get; }

    public LocalClusterServer Server { get; }

    public Kubernetes Client { get; }

    public Kubectl Kubectl { get; }

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public StringWriter Log { get; } = new();

    public static OperatorOptions FastOptions(string identity) => new()
    {
        Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1.5),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
        ResyncPeriod = TimeSpan.FromSeconds(1),
        ShutdownGrace = TimeSpan.FromSeconds(5),
    };

    /// <param name="requests">Where LocalCluster counts every resource request, by client, verb, resource and namespace.</param>
    public static async Task<OperatorCluster> StartAsync(int watchHistory = 10_000, TimeSpan? bookmarkInterval = null, RequestCounts? requests = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "operator-tests-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        var server = await LocalClusterServer.StartAsync(new LocalClusterOptions
        {
            Listen = "127.0.0.1:0",
            KubeconfigPath = kubeconfig,
            WatchHistory = watchHistory,
            BookmarkInterval = bookmarkInterval ?? TimeSpan.FromMilliseconds(300),
            RequestCounts = requests,
        });
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        foreach (var crd in TestOnlyCrds.ClusterScoped)
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(crd));
        }

        var cluster = new OperatorCluster(directory, server, client);
        // The operator watches VirtualServers too: deploy/crds' CRD rather than the minimal one, so `kubectl get vs` prints its columns.
        await cluster.Kubectl.OkAsync("apply", "-f", DeployedCrd(VirtualServer.Plural));
        await cluster.Kubectl.OkAsync("apply", "-f", DeployedCrd(KeepOperator.Api.Pools.VirtualIpPool.Plural));
        return cluster;
    }

    /// <summary>Starts an operator process in-process (its own client, as a separate replica would have); stop it with <see cref="StopOperatorAsync"/>.</summary>
    public OperatorRunner StartOperator(OperatorOptions options)
    {
        var client = OperatorClient.Create(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
        var runner = new OperatorRunner(client, options with { Kubeconfig = KubeconfigPath }, TimeProvider.System, new StructuredLog(TextWriter.Synchronized(Log), TimeProvider.System));
        var stop = new CancellationTokenSource();
        operators.Add((stop, runner.RunAsync(stop.Token), client));
        runnerIndex[runner] = operators.Count - 1;
        return runner;
    }

    /// <summary>SIGTERM, in effect: returns once the operator finished its reconciles and released the lease.</summary>
    public async Task StopOperatorAsync(OperatorRunner runner)
    {
        var (stop, run, _) = operators[runnerIndex[runner]];
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async Task CreateNodeAsync(string name, Dictionary<string, string>? labels = null) =>
        await Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = name, Labels = labels } });

    public async Task ApplyAsync(string yaml)
    {
        var path = Path.Combine(Directory, Guid.NewGuid().ToString("N")[..8] + ".yaml");
        await File.WriteAllTextAsync(path, yaml);
        await Kubectl.OkAsync("apply", "-f", path);
    }

    public async Task CreateVirtualIpAsync(VirtualIp vip) =>
        await Client.CustomObjects.CreateClusterCustomObjectAsync(
            JsonSerializer.SerializeToNode(vip, ApiJsonContext.Default.VirtualIp)!, VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural);

    public async Task<VirtualIp?> GetVirtualIpAsync(string name) =>
        (await GetAsync(VirtualIp.Plural, name))?.Deserialize(ApiJsonContext.Default.VirtualIp);

    public async Task<VirtualServer?> GetVirtualServerAsync(string ns, string name)
    {
        try
        {
            return ((JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, ns, VirtualServer.Plural, name))
                .Deserialize(ApiJsonContext.Default.VirtualServer);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<NodeAgentConfig?> GetNodeAgentConfigAsync(string node) =>
        (await GetAsync(NodeAgentConfig.Plural, node))?.Deserialize(ApiJsonContext.Default.NodeAgentConfig);

    /// <summary>What a node's agent does: report its instances' states with a fresh heartbeat.</summary>
    public Task ReportAsync(string node, params (string Vip, string State, int Priority)[] instances) => ReportAsync(node, virtualServers: null, instances);

    /// <summary>The same, with the virtual servers the agent programmed and its real servers' health.</summary>
    public async Task ReportAsync(string node, List<NodeVirtualServerStatus>? virtualServers, params (string Vip, string State, int Priority)[] instances)
    {
        var now = DateTimeOffset.UtcNow;
        var status = new NodeAgentConfigStatus
        {
            LastHeartbeatTime = now,
            Instances = instances.Select(i => new NodeInstanceStatus { Name = i.Vip, State = i.State, Priority = i.Priority, EffectivePriority = i.Priority, LastTransitionTime = now }).ToList(),
            VirtualServers = virtualServers,
        };
        var patch = new JsonObject { ["status"] = JsonSerializer.SerializeToNode(status, ApiJsonContext.Default.NodeAgentConfigStatus) };
        await Client.CustomObjects.PatchClusterCustomObjectStatusAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, node);
    }

    /// <summary>What an agent does on hearing VRRP for VRIDs it does not run: the routers into its status.</summary>
    public async Task ReportForeignRoutersAsync(string node, params ForeignRouterStatus[] routers)
    {
        var status = new NodeAgentConfigStatus { LastHeartbeatTime = DateTimeOffset.UtcNow, ForeignRouters = [.. routers] };
        var patch = new JsonObject { ["status"] = JsonSerializer.SerializeToNode(status, ApiJsonContext.Default.NodeAgentConfigStatus) };
        await Client.CustomObjects.PatchClusterCustomObjectStatusAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural, node);
    }

    public async Task<IList<Corev1Event>> EventsAsync(string vip) =>
        (await Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.name={vip},involvedObject.kind=VirtualIp")).Items;

    /// <summary>The priority the node's NodeAgentConfig gives the VirtualIp (null when it has no such instance).</summary>
    public async Task<int?> PriorityAsync(string node, string vip) =>
        (await GetNodeAgentConfigAsync(node))?.Spec.Instances.FirstOrDefault(i => i.Name == vip)?.Priority;

    /// <summary>The VRID the node's NodeAgentConfig gives the VirtualIp (null when it has no such instance).</summary>
    public async Task<int?> VirtualRouterIdAsync(string node, string vip) =>
        (await GetNodeAgentConfigAsync(node))?.Spec.Instances.FirstOrDefault(i => i.Name == vip)?.VirtualRouterId;

    /// <summary>Polls until the condition holds (the operator is eventually consistent), failing with the last value seen.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T last;
        while (true)
        {
            last = await read();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"timed out after {seconds} s waiting for {what}; last: {Describe(last)}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (stop, run, client) in operators)
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (OperationCanceledException)
            {
            }

            client.Dispose();
            stop.Dispose();
        }

        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<JsonElement?> GetAsync(string plural, string name)
    {
        try
        {
            return (JsonElement)await Client.CustomObjects.GetClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, plural, name);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>deploy/crds/keepoperator.io_PLURAL.yaml, found above the test binaries.</summary>
    private static string DeployedCrd(string plural)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "crds", $"{VirtualIp.Group}_{plural}.yaml");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"deploy/crds/{VirtualIp.Group}_{plural}.yaml not found above {AppContext.BaseDirectory}");
    }

    private static string Describe<T>(T value) => value switch
    {
        VirtualIp v => JsonSerializer.Serialize(v, ApiJsonContext.Default.VirtualIp),
        NodeAgentConfig c => JsonSerializer.Serialize(c, ApiJsonContext.Default.NodeAgentConfig),
        VirtualServer v => JsonSerializer.Serialize(v, ApiJsonContext.Default.VirtualServer),
        null => "null",
        _ => value.ToString() ?? "",
    };
}
