using k8s;
using k8s.Models;

namespace KeepOperator.Operator.Kube;

/// <summary>List and watch of Nodes (typed).</summary>
public sealed class NodeSource(IKubernetes client) : IListWatchSource<V1Node>
{
    public string Kind => "nodes";

    public async Task<(IReadOnlyList<V1Node> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken);
        return (list.Items.ToList(), list.Metadata.ResourceVersion);
    }

    public IAsyncEnumerable<(WatchEventType Type, V1Node Object)> WatchAsync(string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        client.CoreV1.WatchListNodeAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds,
            onError: onError, cancellationToken: cancellationToken);

    public string KeyOf(V1Node obj) => obj.Metadata.Name;

    public string? ResourceVersionOf(V1Node obj) => obj.Metadata?.ResourceVersion;
}
