using k8s;
using k8s.Models;

namespace KeepOperator.Operator.Kube;

/// <summary>The built-in kinds the operator watches, in all namespaces, with watch bookmarks.</summary>
public static class BuiltinSources
{
    public static KubeObjectSource<V1Node> Nodes(IKubernetes client) => new(
        "nodes",
        async ct =>
        {
            var list = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
            return (list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, timeout, onError, ct) => client.CoreV1.WatchListNodeAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds, onError: onError, cancellationToken: ct));

    /// <summary>Services: a VirtualServer's serviceRef names one, whose ports say which endpoint port to use.</summary>
    public static KubeObjectSource<V1Service> Services(IKubernetes client) => new(
        "services",
        async ct =>
        {
            var list = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct);
            return (list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, timeout, onError, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds, onError: onError, cancellationToken: ct));

    /// <summary>discovery.k8s.io/v1 EndpointSlices: the pods behind a Service and whether each is ready.</summary>
    public static KubeObjectSource<V1EndpointSlice> EndpointSlices(IKubernetes client) => new(
        "endpointslices",
        async ct =>
        {
            var list = await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(cancellationToken: ct);
            return (list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, timeout, onError, ct) => client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds, onError: onError, cancellationToken: ct));

    /// <summary>Namespaces, reduced to name and labels: a pool's namespaceSelectors read them.</summary>
    public static KubeObjectSource<V1Namespace> Namespaces(IKubernetes client) => new(
        "namespaces",
        async ct =>
        {
            var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: ct);
            return (list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, timeout, onError, ct) => client.CoreV1.WatchListNamespaceAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds, onError: onError, cancellationToken: ct),
        ns => new V1Namespace { Metadata = new V1ObjectMeta { Name = ns.Metadata?.Name, ResourceVersion = ns.Metadata?.ResourceVersion, Labels = ns.Metadata?.Labels } });

    /// <summary>
    /// The Secrets of one namespace, reduced to namespace, name and key names: the operator only checks that a password
    /// Secret exists, and passwords must not sit in its memory (or a heap dump). One namespace, never all: the chart
    /// grants Secrets only in the namespaces it lists.
    /// </summary>
    public static KubeObjectSource<V1Secret> Secrets(IKubernetes client, string ns) => new(
        "secrets in " + ns,
        async ct =>
        {
            var list = await client.CoreV1.ListNamespacedSecretAsync(ns, cancellationToken: ct);
            return (list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, timeout, onError, ct) => client.CoreV1.WatchListNamespacedSecretAsync(
            ns, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds, onError: onError, cancellationToken: ct),
        secret => new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = secret.Metadata?.Name, NamespaceProperty = secret.Metadata?.NamespaceProperty, ResourceVersion = secret.Metadata?.ResourceVersion },
            Data = secret.Data?.ToDictionary(d => d.Key, _ => Array.Empty<byte>()),
        });

    /// <summary>
    /// Pods, reduced to what pods tracks read (namespace, labels, node, the Ready condition, deletionTimestamp): a
    /// cluster's pods are many and big, and the rest is never looked at.
    /// </summary>
    public static KubeObjectSource<V1Pod> Pods(IKubernetes client) => new(
        "pods",
        async ct =>
        {
            var list = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct);
            return (list.Items.ToList(), list.Metadata.ResourceVersion);
        },
        (resourceVersion, timeout, onError, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: (int)timeout.TotalSeconds, onError: onError, cancellationToken: ct),
        pod => new V1Pod
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
        });
}
