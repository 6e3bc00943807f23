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
}
