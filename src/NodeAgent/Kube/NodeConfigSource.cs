using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using KeepOperator.Api;
using KeepOperator.Api.Kube;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// List and watch of one node's NodeAgentConfig (fieldSelector=metadata.name=NODE) over the agent's own client, for
/// the shared <see cref="Informer{T}"/>: the agent may read its own object and nothing cluster-wide.
/// </summary>
public sealed class NodeConfigSource(KubeApiClient client, string nodeName) : IListWatchSource<NodeAgentConfig>
{
    public const string ResourcePath = "/apis/keepoperator.io/v1alpha1/" + NodeAgentConfig.Plural;

    private readonly string selector = "fieldSelector=" + Uri.EscapeDataString("metadata.name=" + nodeName);

    public string Kind => NodeAgentConfig.Plural;

    /// <summary>Path of this node's object, and of its status (append "/status").</summary>
    public static string ObjectPath(string nodeName) => $"{ResourcePath}/{Uri.EscapeDataString(nodeName)}";

    public async Task<(IReadOnlyList<NodeAgentConfig> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.ListAsync($"{ResourcePath}?{selector}", cancellationToken).ConfigureAwait(false);
        return (list.Items.Select(Read).ToList(), list.Metadata.ResourceVersion ?? "");
    }

    public async IAsyncEnumerable<(WatchEventKind Type, NodeAgentConfig Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"{ResourcePath}?{selector}&watch=true&allowWatchBookmarks=true&timeoutSeconds={(int)timeout.TotalSeconds}&resourceVersion={Uri.EscapeDataString(resourceVersion)}";
        await foreach (var e in client.WatchAsync(path, cancellationToken).ConfigureAwait(false))
        {
            yield return e.Type switch
            {
                "ADDED" => (WatchEventKind.Added, Read(e.Object)),
                "MODIFIED" => (WatchEventKind.Modified, Read(e.Object)),
                "DELETED" => (WatchEventKind.Deleted, Read(e.Object)),
                "BOOKMARK" => (WatchEventKind.Bookmark, Read(e.Object)),
                _ => throw ErrorOf(e),
            };
        }
    }

    public string KeyOf(NodeAgentConfig obj) => obj.Metadata.Name ?? "";

    public string? ResourceVersionOf(NodeAgentConfig obj) => obj.Metadata.ResourceVersion;

    public bool IsExpired(Exception error) => error is KubeApiException { IsGone: true };

    private static KubeApiException ErrorOf(KubeWatchEvent e)
    {
        var status = e.Type == "ERROR" ? e.Object.Deserialize(KubeJsonContext.Default.KubeStatus) : null;
        return new KubeApiException((HttpStatusCode)(status?.Code ?? 500), $"watch {e.Type}: {status?.Message}");
    }

    private static NodeAgentConfig Read(JsonElement element) =>
        element.Deserialize(ApiJsonContext.Default.NodeAgentConfig) ?? throw new JsonException("watch: null object");
}
