using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KeepOperator.Api;
using KeepOperator.LocalCluster;
using KeepOperator.NodeAgent.Kube;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Kube;

/// <summary>
/// An in-process LocalCluster on 127.0.0.1 with the NodeAgentConfig CRD installed, a kubeconfig for it, and plain
/// HTTP helpers to play the operator's part. It can be stopped and started again on the same port with its objects
/// (persisted to a data file), to test what the agent does while the API server is gone.
/// </summary>
public sealed class KubeTestCluster : IAsyncDisposable
{
    private LocalClusterServer? _server;
    private readonly int _watchHistory;
    private readonly TimeSpan _bookmarkInterval;
    private readonly RequestCounts? _requests;

    private KubeTestCluster(string directory, int watchHistory, TimeSpan bookmarkInterval, RequestCounts? requests)
    {
        Directory = directory;
        _watchHistory = watchHistory;
        _bookmarkInterval = bookmarkInterval;
        _requests = requests;
    }

    public string Directory { get; }

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public Uri Url { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <param name="requests">Where LocalCluster counts every resource request, by client, verb, resource and namespace.</param>
    public static async Task<KubeTestCluster> StartAsync(int watchHistory = 10_000, TimeSpan? bookmarkInterval = null, RequestCounts? requests = null)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("agentkube-").FullName;
        var cluster = new KubeTestCluster(dir, watchHistory, bookmarkInterval ?? TimeSpan.FromMilliseconds(300), requests);
        await cluster.StartServerAsync("127.0.0.1:0");
        await cluster.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Kube", "nodeagentconfigs-crd.yaml")), "application/yaml");
        return cluster;
    }

    public KubeApiClient NewClient() =>
        new(KubeconfigParser.Parse(File.ReadAllText(KubeconfigPath), Directory, File.ReadAllText)) { RequestTimeout = TimeSpan.FromSeconds(2) };

    /// <summary>Stops serving (connections refused), keeping the objects in the data file.</summary>
    public async Task StopAsync()
    {
        Http.Dispose();
        await _server!.DisposeAsync();
        _server = null;
    }

    /// <summary>Serves again on the same address, with the objects it had.</summary>
    public Task RestartAsync() => StartServerAsync($"127.0.0.1:{Url.Port}");

    public async Task<string> SendAsync(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text;
    }

    public Task CreateConfigAsync(NodeAgentConfig config) =>
        SendAsync(HttpMethod.Post, NodeConfigSource.ResourcePath, JsonSerializer.Serialize(config, ApiJsonContext.Default.NodeAgentConfig));

    /// <summary>Merge-patches the object's spec to <paramref name="config"/>'s (lists are replaced whole).</summary>
    public Task ReplaceSpecAsync(NodeAgentConfig config) =>
        SendAsync(HttpMethod.Patch, NodeConfigSource.ObjectPath(config.Metadata.Name!),
            "{\"spec\":" + JsonSerializer.Serialize(config.Spec, ApiJsonContext.Default.NodeAgentConfigSpec) + "}", "application/merge-patch+json");

    public async Task<HttpStatusCode> DeleteAsync(string path)
    {
        using var response = await Http.DeleteAsync(path);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await StopAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartServerAsync(string listen)
    {
        _server = await LocalClusterServer.StartAsync(new LocalClusterOptions
        {
            Listen = listen,
            KubeconfigPath = KubeconfigPath,
            DataPath = Path.Combine(Directory, "data.json"),
            WatchHistory = _watchHistory,
            BookmarkInterval = _bookmarkInterval,
            RequestCounts = _requests,
        });
        Url = _server.Url;
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(10) };
    }
}
