using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of Pods in all namespaces, reduced at once to what pods tracks read (namespace, labels, node,
/// the Ready condition, deletionTimestamp): a cluster's pods are many and big, and the rest is never looked at.
/// </summary>
public sealed class PodSource(IKubernetes client) : IListWatchSource<V1Pod>
{
    public string Kind => "pods";

    public async Task<(IReadOnlyList<V1Pod> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        return (list.Items.Select(TrackedPart).ToList(), list.Metadata.ResourceVersion);
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1Pod Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds,
            onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, pod) in events)
        {
            yield return (type, TrackedPart(pod));
        }
    }

    public string KeyOf(V1Pod obj) => $"{obj.Metadata.NamespaceProperty}/{obj.Metadata.Name}";

    public string? ResourceVersionOf(V1Pod obj) => obj.Metadata?.ResourceVersion;

    private static V1Pod TrackedPart(V1Pod pod) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = pod.Metadata?.Name,
            NamespaceProperty = pod.Metadata?.NamespaceProperty,
            ResourceVersion = pod.Metadata?.ResourceVersion,
            Labels = pod.Metadata?.Labels,
            DeletionTimestamp = pod.Metadata?.DeletionTimestamp,
        },
        Spec = new V1PodSpec { NodeName = pod.Spec?.NodeName, Containers = [] },
        Status = new V1PodStatus { Conditions = pod.Status?.Conditions?.Where(c => c.Type == "Ready").ToList() },
    };
}
