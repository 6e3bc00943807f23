using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of a keepoperator.io custom resource, read with the source-generated <see cref="ApiJsonContext"/>:
/// cluster-scoped kinds, or namespaced ones (VirtualServer) in all namespaces.
/// </summary>
public sealed class CustomObjectSource<T>(IKubernetes client, string plural, JsonTypeInfo<T> typeInfo, Func<T, ObjectMeta> metadata)
    : IListWatchSource<T>
    where T : class
{
    public string Kind => plural;

    public async Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var list = (JsonElement)await client.CustomObjects.ListClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, plural, cancellationToken: cancellationToken);
        var items = list.GetProperty("items").EnumerateArray().Select(i => i.Deserialize(typeInfo)!).ToList();
        return (items, list.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "");
    }

    public async IAsyncEnumerable<(WatchEventKind Type, T Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = client.CustomObjects.WatchListClusterCustomObjectAsync(
            VirtualIp.Group, VirtualIp.Version, plural, allowWatchBookmarks: true, resourceVersion: resourceVersion,
            timeoutSeconds: (int)timeout.TotalSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, obj) in events)
        {
            yield return (KubernetesClientErrors.ToKind(type), ((JsonElement)obj).Deserialize(typeInfo)!);
        }
    }

    public string KeyOf(T obj) => ObjectKey.Of(metadata(obj).Namespace, metadata(obj).Name);

    public bool IsExpired(Exception error) => KubernetesClientErrors.IsGone(error);

    public string? ResourceVersionOf(T obj) => metadata(obj).ResourceVersion;
}
