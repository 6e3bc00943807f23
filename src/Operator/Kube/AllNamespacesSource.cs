using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of one namespaced core kind in all namespaces, each object reduced at once (<see cref="Reduce"/>) to
/// the part the operator reads: the rest is never held in its memory. Objects are keyed "namespace/name".
/// </summary>
public abstract class AllNamespacesSource<T> : IListWatchSource<T>
    where T : class, IMetadata<V1ObjectMeta>
{
    public abstract string Kind { get; }

    public async Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var (items, resourceVersion) = await ListAllAsync(cancellationToken);
        return (items.Select(Reduce).ToList(), resourceVersion);
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (type, obj) in WatchAllAsync(resourceVersion, (int)timeout.TotalSeconds, onError, cancellationToken))
        {
            yield return (type, Reduce(obj));
        }
    }

    public string KeyOf(T obj) => $"{obj.Metadata.NamespaceProperty}/{obj.Metadata.Name}";

    public string? ResourceVersionOf(T obj) => obj.Metadata?.ResourceVersion;

    protected abstract Task<(IList<T> Items, string ResourceVersion)> ListAllAsync(CancellationToken cancellationToken);

    /// <summary>The kind's watch in all namespaces, with bookmarks, from <paramref name="resourceVersion"/>.</summary>
    protected abstract IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAllAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);

    protected abstract T Reduce(T obj);
}
