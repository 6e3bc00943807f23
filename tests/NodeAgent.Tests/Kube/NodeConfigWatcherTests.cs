using System.Threading.Channels;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.Tests.Hosting;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Kube.TestConfigs;

namespace KeepOperator.NodeAgent.Tests.Kube;

/// <summary>The agent's watcher and client against an in-process LocalCluster, over HTTP.</summary>
public sealed class NodeConfigWatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A watcher running in the background; every delivered read lands in <see cref="Reads"/>.</summary>
    private sealed class RunningWatcher : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private readonly KubeApiClient _client;

        public RunningWatcher(KubeTestCluster cluster, string node, int watchTimeoutSeconds = 290)
        {
            _client = cluster.NewClient();
            var watcher = new NodeConfigWatcher(_client, node, TimeProvider.System, Log.Log) { WatchTimeoutSeconds = watchTimeoutSeconds };
            _task = watcher.RunAsync(c => Reads.Writer.WriteAsync(c).AsTask(), _stop.Token);
        }

        public CapturedLog Log { get; } = new();

        public Channel<NodeAgentConfig?> Reads { get; } = Channel.CreateUnbounded<NodeAgentConfig?>();

        public async Task<NodeAgentConfig?> NextAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            try
            {
                return await Reads.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no read delivered; log:\n" + Log);
            }
        }

        public async Task WaitForLogAsync(string eventName)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!Log.Has(eventName))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no {eventName} in:\n{Log}");
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _task;
            _client.Dispose();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task SeesAbsence_Create_Change_Delete_OfItsOwnObjectOnly()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await using var watcher = new RunningWatcher(cluster, "n1");
        Assert.Null(await watcher.NextAsync());

        await cluster.CreateConfigAsync(ForNode("n2", "other"));
        await cluster.CreateConfigAsync(ForNode("n1", "web"));
        var created = await watcher.NextAsync();
        Assert.Equal("n1", created!.Metadata.Name);
        Assert.Equal(["web"], created.Spec.Instances.Select(i => i.Name));

        await cluster.ReplaceSpecAsync(ForNode("n1", "web", "db"));
        var changed = await watcher.NextAsync();
        Assert.Equal(["web", "db"], changed!.Spec.Instances.Select(i => i.Name));
        Assert.Equal(10, changed.Spec.Instances[0].VirtualRouterId);

        Assert.Equal(System.Net.HttpStatusCode.OK, await cluster.DeleteAsync(NodeConfigSource.ObjectPath("n1")));
        Assert.Null(await watcher.NextAsync());
        Assert.False(watcher.Reads.Reader.TryRead(out _), "n2's object must not reach n1's watcher");
    }

    [Fact]
    public async Task StatusMergePatch_RoundTrips_AndLeavesSpecAlone()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        using var client = cluster.NewClient();
        await cluster.CreateConfigAsync(ForNode("n1", "web"));
        var at = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var status = new NodeAgentConfigStatus
        {
            ObservedGeneration = 1,
            LastHeartbeatTime = at,
            Instances = [new NodeInstanceStatus { Name = "web", State = "Master", Priority = 100, EffectivePriority = 90, LastTransitionTime = at, Message = "master down timer expired" }],
        };

        Assert.True(await client.MergePatchStatusAsync(NodeConfigSource.ObjectPath("n1") + "/status", status, ApiJsonContext.Default.NodeAgentConfigStatus, default));

        var read = await client.GetAsync(NodeConfigSource.ObjectPath("n1"), ApiJsonContext.Default.NodeAgentConfig, default);
        Assert.Equal("web", Assert.Single(read!.Spec.Instances).Name);
        var instance = Assert.Single(read.Status!.Instances!);
        Assert.Equal(("web", "Master", 100, 90, at, "master down timer expired"),
            (instance.Name, instance.State, instance.Priority!.Value, instance.EffectivePriority!.Value, instance.LastTransitionTime!.Value, instance.Message));
        Assert.Equal(at, read.Status.LastHeartbeatTime);
        Assert.False(await client.MergePatchStatusAsync(NodeConfigSource.ObjectPath("absent") + "/status", status, ApiJsonContext.Default.NodeAgentConfigStatus, default));
    }

    [Fact]
    public async Task SecretValue_IsDecoded_AbsentIsNull()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        using var client = cluster.NewClient();
        await cluster.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"vrrp"},"data":{"password":"c2VjcmV0"}}""");

        Assert.Equal("secret", await client.GetSecretValueAsync("default", "vrrp", "password", default));
        Assert.Null(await client.GetSecretValueAsync("default", "vrrp", "other", default));
        Assert.Null(await client.GetSecretValueAsync("default", "missing", "password", default));
    }

    [Fact]
    public async Task ApiServerDown_KeepsTheLastConfig_RetriesAndResumes()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.CreateConfigAsync(ForNode("n1", "web"));
        await using var watcher = new RunningWatcher(cluster, "n1");
        Assert.Equal("web", Assert.Single((await watcher.NextAsync())!.Spec.Instances).Name);

        await cluster.StopAsync();
        await watcher.WaitForLogAsync("watch_failed");
        await Task.Delay(1500); // several retries against a closed port
        Assert.False(watcher.Reads.Reader.TryRead(out var read), $"a failing API server must not deliver anything, got {read?.Spec.Instances.Count} instances");

        await cluster.RestartAsync();
        await cluster.ReplaceSpecAsync(ForNode("n1", "web", "db"));
        Assert.Equal(["web", "db"], (await watcher.NextAsync())!.Spec.Instances.Select(i => i.Name));
    }

    [Fact]
    public async Task ExpiredResourceVersion_Relists()
    {
        // Three changes of history and no bookmarks: changes to other objects push the watcher's resourceVersion out.
        await using var cluster = await KubeTestCluster.StartAsync(watchHistory: 3, bookmarkInterval: TimeSpan.FromHours(1));
        await cluster.CreateConfigAsync(ForNode("n1", "web"));
        await using var watcher = new RunningWatcher(cluster, "n1", watchTimeoutSeconds: 1);
        Assert.NotNull(await watcher.NextAsync());

        for (var i = 0; i < 8; i++)
        {
            await cluster.CreateConfigAsync(ForNode($"other{i}", "x"));
        }
        await watcher.WaitForLogAsync("relist");

        await cluster.ReplaceSpecAsync(ForNode("n1", "web", "db"));
        Assert.Equal(["web", "db"], (await watcher.NextAsync())!.Spec.Instances.Select(i => i.Name));
    }
}
