using k8s;
using k8s.Models;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// List and watch of Pods in all namespaces, reduced at once to what pods tracks read (namespace, labels, node,
/// the Ready condition, deletionTimestamp): a cluster's pods are many and big, and the rest is never looked at.
/// </summary>
public sealed class PodSource(IKubernetes client) : AllNamespacesSource<V1Pod>
{
    public override string Kind => "pods";

    protected override async Task<(IList<V1Pod> Items, string ResourceVersion)> ListAllAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        return (list.Items, list.Metadata.ResourceVersion);
    }

    protected override IAsyncEnumerable<(WatchEventType Type, V1Pod Object)> WatchAllAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken) =>
        client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);

    protected override V1Pod Reduce(V1Pod obj) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = obj.Metadata?.Name,
            NamespaceProperty = obj.Metadata?.NamespaceProperty,
            ResourceVersion = obj.Metadata?.ResourceVersion,
            Labels = obj.Metadata?.Labels,
            DeletionTimestamp = obj.Metadata?.DeletionTimestamp,
        },
        Spec = new V1PodSpec { NodeName = obj.Spec?.NodeName, Containers = [] },
        Status = new V1PodStatus { Conditions = obj.Status?.Conditions?.Where(c => c.Type == "Ready").ToList() },
    };
}
