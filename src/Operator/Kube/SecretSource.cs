using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of Secrets in all namespaces, reduced at once to namespace, name and key names: the operator only
/// checks that a password Secret exists, and passwords must not sit in its memory (or a heap dump).
/// </summary>
public sealed class SecretSource(IKubernetes client) : IListWatchSource<V1Secret>
{
    public string Kind => "secrets";

    public async Task<(IReadOnlyList<V1Secret> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: cancellationToken);
        return (list.Items.Select(KeysOnly).ToList(), list.Metadata.ResourceVersion);
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1Secret Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = client.CoreV1.WatchListSecretForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds,
            onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, secret) in events)
        {
            yield return (type, KeysOnly(secret));
        }
    }

    public string KeyOf(V1Secret obj) => $"{obj.Metadata.NamespaceProperty}/{obj.Metadata.Name}";

    public string? ResourceVersionOf(V1Secret obj) => obj.Metadata?.ResourceVersion;

    private static V1Secret KeysOnly(V1Secret secret) => new()
    {
        Metadata = new V1ObjectMeta { Name = secret.Metadata?.Name, NamespaceProperty = secret.Metadata?.NamespaceProperty, ResourceVersion = secret.Metadata?.ResourceVersion },
        Data = secret.Data?.ToDictionary(d => d.Key, _ => Array.Empty<byte>()),
    };
}
