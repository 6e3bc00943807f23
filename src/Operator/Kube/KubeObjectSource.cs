using k8s;
using k8s.Models;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of a built-in kind (typed KubernetesClient models), cluster-wide: the kind's list and watch calls
/// are passed in, keys and resourceVersions come from the object's metadata. See <see cref="BuiltinSources"/>.
/// </summary>
public sealed class KubeObjectSource<T>(
    string kind,
    Func<CancellationToken, Task<(IReadOnlyList<T> Items, string ResourceVersion)>> list,
    Func<string, TimeSpan, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch)
    : IListWatchSource<T>
    where T : class, IMetadata<V1ObjectMeta>
{
    public string Kind => kind;

    public Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken) => list(cancellationToken);

    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        watch(resourceVersion, timeout, onError, cancellationToken);

    public string KeyOf(T obj) => ObjectKey.Of(obj.Metadata.NamespaceProperty, obj.Metadata.Name);

    public string? ResourceVersionOf(T obj) => obj.Metadata?.ResourceVersion;
}
