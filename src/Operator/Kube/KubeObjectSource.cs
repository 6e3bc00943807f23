using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using KeepOperator.Api.Kube;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of a built-in kind (typed KubernetesClient models), cluster-wide: the kind's list and watch calls
/// are passed in, keys and resourceVersions come from the object's metadata. An optional <paramref name="reduce"/>
/// cuts each object down at once to what the operator reads, so the rest (pod specs, Secret values) is never held.
/// See <see cref="BuiltinSources"/>.
/// </summary>
public sealed class KubeObjectSource<T>(
    string kind,
    Func<CancellationToken, Task<(IReadOnlyList<T> Items, string ResourceVersion)>> list,
    Func<string, TimeSpan, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    Func<T, T>? reduce = null)
    : IListWatchSource<T>
    where T : class, IMetadata<V1ObjectMeta>
{
    public string Kind => kind;

    public async Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var (items, resourceVersion) = await list(cancellationToken);
        return reduce is null ? (items, resourceVersion) : (items.Select(reduce).ToList(), resourceVersion);
    }

    public async IAsyncEnumerable<(WatchEventKind Type, T Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (type, obj) in watch(resourceVersion, timeout, onError, cancellationToken))
        {
            yield return (KubernetesClientErrors.ToKind(type), reduce is null ? obj : reduce(obj));
        }
    }

    public string KeyOf(T obj) => ObjectKey.Of(obj.Metadata.NamespaceProperty, obj.Metadata.Name);

    public bool IsExpired(Exception error) => KubernetesClientErrors.IsGone(error);

    public string? ResourceVersionOf(T obj) => obj.Metadata?.ResourceVersion;
}
