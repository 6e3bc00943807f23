using System.Net;
using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Api.Logging;
using KeepOperator.Api.Pools;
using KeepOperator.Operator.LoadBalancer;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The caches Services of type LoadBalancer are planned from: VirtualIpPools and Namespaces of its own, the Services,
/// EndpointSlices and VirtualIps the other controllers already watch. <see cref="Changed"/> fires for changes that can move that plan.
/// </summary>
public sealed class LoadBalancerInformers : ILoadBalancerView
{
    private readonly Informer<V1Service> services;
    private readonly Informer<V1EndpointSlice> endpointSlices;
    private readonly Informer<VirtualIp> virtualIps;
    private readonly Informer<VirtualServer> virtualServers;

    public LoadBalancerInformers(IKubernetes client, Informer<V1Service> services, Informer<V1EndpointSlice> endpointSlices, Informer<VirtualIp> virtualIps, Informer<VirtualServer> virtualServers, StructuredLog log, TimeProvider time, TimeSpan watchTimeout)
    {
        this.services = services;
        this.endpointSlices = endpointSlices;
        this.virtualIps = virtualIps;
        this.virtualServers = virtualServers;
        Pools = new(new CustomObjectSource<VirtualIpPool>(client, VirtualIpPool.Plural, ApiJsonContext.Default.VirtualIpPool, p => p.Metadata), log, time, watchTimeout);
        Namespaces = new(BuiltinSources.Namespaces(client), log, time, watchTimeout);
        Pools.Changed += (_, _) => Changed?.Invoke();
        Namespaces.Changed += (_, _) => Changed?.Invoke();
        services.Changed += (old, updated) =>
        {
            if (new[] { old, updated }.Any(s => s?.Spec?.Type == "LoadBalancer" || s?.Status?.LoadBalancer?.Ingress is { Count: > 0 }))
            {
                Changed?.Invoke();
            }
        };
        endpointSlices.Changed += (old, updated) =>
        {
            if (Placement(old) != Placement(updated) && new[] { old, updated }.Any(IsOfLocalService))
            {
                Changed?.Invoke(); // where a Local Service's ready endpoints run decides who may hold its address
            }
        };
        virtualIps.Changed += (old, updated) =>
        {
            if (PlanRelevance.ForLoadBalancers(old) != PlanRelevance.ForLoadBalancers(updated))
            {
                Changed?.Invoke();
            }
        };
        virtualServers.Changed += (old, updated) =>
        {
            if (new[] { old, updated }.Any(v => v?.Metadata.Labels?.GetValueOrDefault(LoadBalancerNames.ManagedByLabel) == LoadBalancerNames.ManagedBy))
            {
                Changed?.Invoke(); // one of ours, edited or deleted by hand: put back
            }
        };
    }

    /// <summary>Something the load-balancer plan reads changed (the controller queues its key).</summary>
    public event Action? Changed;

    public Informer<VirtualIpPool> Pools { get; }

    public Informer<V1Namespace> Namespaces { get; }

    public Task Synced => Task.WhenAll(Pools.Synced, Namespaces.Synced);

    public IEnumerable<Task> Run(CancellationToken cancellationToken) => [Pools.RunAsync(cancellationToken), Namespaces.RunAsync(cancellationToken)];

    IReadOnlyList<VirtualIpPool> ILoadBalancerView.Pools() => [.. Pools.Items];

    public IReadOnlyList<VirtualIp> VirtualIps() => [.. virtualIps.Items];

    public IReadOnlyList<VirtualServer> VirtualServers() => [.. virtualServers.Items];

    /// <summary>Only Local Services' endpoints: no other plan input reads them, and a cluster has many slices.</summary>
    public IReadOnlyList<ServiceEndpoint> Endpoints() => [.. endpointSlices.Items.Where(IsOfLocalService).SelectMany(ToEndpoints)];

    /// <summary>
    /// The endpoints a slice lists for its Service (the kubernetes.io/service-name label; none without it), each ready
    /// unless conditions.ready says false: absent counts as ready, as Kubernetes documents.
    /// </summary>
    public static IEnumerable<ServiceEndpoint> ToEndpoints(V1EndpointSlice slice) =>
        EndpointResolver.ServiceOf(slice) is not { } service ? []
        : (slice.Endpoints ?? []).Select(e => new ServiceEndpoint(ObjectKey.Of(slice.Metadata.NamespaceProperty, service), e.NodeName, e.Conditions?.Ready != false));

    public IReadOnlyList<LoadBalancerService> Services() => [.. services.Items.Where(s => s.Spec?.Type == "LoadBalancer" || s.Status?.LoadBalancer?.Ingress is { Count: > 0 }).Select(ToService)];

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels() =>
        Namespaces.Items.ToDictionary(n => n.Metadata.Name, n => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(n.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal), StringComparer.Ordinal);

    public static LoadBalancerService ToService(V1Service s) => new(
        s.Metadata.NamespaceProperty ?? "",
        s.Metadata.Name,
        s.Metadata.Uid,
        new Dictionary<string, string>(s.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
        new Dictionary<string, string>(s.Metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal),
        s.Spec?.Type,
        s.Spec?.LoadBalancerClass,
        [.. s.Spec?.IpFamilies ?? []],
        s.Spec?.IpFamilyPolicy,
        s.Spec?.LoadBalancerIP,
        [.. (s.Spec?.Ports ?? []).Select(p => new ServicePortKey(p.Protocol ?? "TCP", p.Port))],
        s.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
        [.. (s.Status?.LoadBalancer?.Ingress ?? []).Select(i => IPAddress.TryParse(i.Ip, out var ip) ? new ServiceIngress(ip, i.IpMode) : (ServiceIngress?)null).OfType<ServiceIngress>()])
    {
        // Kubernetes' default ClientIP affinity lasts 3 hours.
        AffinityTimeout = s.Spec?.SessionAffinity == "ClientIP" ? TimeSpan.FromSeconds(s.Spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds ?? 10800) : null,
        ExternalTrafficPolicy = s.Spec?.ExternalTrafficPolicy,
        Selector = new Dictionary<string, string>(s.Spec?.Selector ?? new Dictionary<string, string>(), StringComparer.Ordinal),
    };

    /// <summary>An EndpointSlice's Service and, per endpoint, its node and readiness: what <see cref="Endpoints"/> reads of it.</summary>
    private static string? Placement(V1EndpointSlice? slice) => slice is null ? null
        : EndpointResolver.ServiceOf(slice) + "\n" + string.Join(',', (slice.Endpoints ?? []).Select(e => $"{e.NodeName}={e.Conditions?.Ready != false}"));

    private bool IsOfLocalService(V1EndpointSlice? slice) =>
        slice is not null && EndpointResolver.ServiceOf(slice) is { } name
        && services.Get(ObjectKey.Of(slice.Metadata.NamespaceProperty, name)) is { Spec: { Type: "LoadBalancer", ExternalTrafficPolicy: LocalTrafficPolicy.Local } };
}
