using k8s;
using k8s.Models;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of Secrets in all namespaces, reduced at once to namespace, name and key names: the operator only
/// checks that a password Secret exists, and passwords must not sit in its memory (or a heap dump).
/// </summary>
public sealed class SecretSource(IKubernetes client) : AllNamespacesSource<V1Secret>
{
    public override string Kind => "secrets";

    protected override async Task<(IList<V1Secret> Items, string ResourceVersion)> ListAllAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: cancellationToken);
        return (list.Items, list.Metadata.ResourceVersion);
    }

    protected override IAsyncEnumerable<(WatchEventType Type, V1Secret Object)> WatchAllAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken) =>
        client.CoreV1.WatchListSecretForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);

    protected override V1Secret Reduce(V1Secret obj) => new()
    {
        Metadata = new V1ObjectMeta { Name = obj.Metadata?.Name, NamespaceProperty = obj.Metadata?.NamespaceProperty, ResourceVersion = obj.Metadata?.ResourceVersion },
        Data = obj.Data?.ToDictionary(d => d.Key, _ => Array.Empty<byte>()),
    };
}
