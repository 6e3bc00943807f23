using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The caches VirtualServer planning reads: VirtualServers in all namespaces, Services and EndpointSlices.
/// <see cref="PlanInputChanged"/> fires only for changes that can move the plan: a VirtualServer's spec, or the ports
/// and ready endpoints of a Service some VirtualServer names (the cluster's other Services churn without cost).
/// </summary>
public sealed class VirtualServerInformers
{
    private long planInputsVersion;

    public VirtualServerInformers(IKubernetes client, StructuredLog log, TimeProvider time, TimeSpan watchTimeout)
    {
        VirtualServers = new(new CustomObjectSource<VirtualServer>(client, VirtualServer.Plural, ApiJsonContext.Default.VirtualServer, v => v.Metadata), log, time, watchTimeout);
        Services = new(BuiltinSources.Services(client), log, time, watchTimeout);
        EndpointSlices = new(BuiltinSources.EndpointSlices(client), log, time, watchTimeout);
        VirtualServers.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
        Services.Changed += (old, updated) => Bump(IsReferenced((updated ?? old)!.Metadata.NamespaceProperty, (updated ?? old)!.Metadata.Name)
            && PlanRelevance.Of(old) != PlanRelevance.Of(updated));
        EndpointSlices.Changed += (old, updated) => Bump(
            (IsReferenced(old?.Metadata.NamespaceProperty, EndpointResolver.ServiceOf(old)) || IsReferenced(updated?.Metadata.NamespaceProperty, EndpointResolver.ServiceOf(updated)))
            && PlanRelevance.Of(old) != PlanRelevance.Of(updated));
    }

    /// <summary>A plan input changed (the controller queues the plan key).</summary>
    public event Action? PlanInputChanged;

    public Informer<VirtualServer> VirtualServers { get; }

    public Informer<V1Service> Services { get; }

    public Informer<V1EndpointSlice> EndpointSlices { get; }

    /// <summary>Grows with every change that can move the plan.</summary>
    public long PlanInputsVersion => Interlocked.Read(ref planInputsVersion);

    public Task Synced => Task.WhenAll(VirtualServers.Synced, Services.Synced, EndpointSlices.Synced);

    public IEnumerable<Task> Run(CancellationToken cancellationToken) =>
        [VirtualServers.RunAsync(cancellationToken), Services.RunAsync(cancellationToken), EndpointSlices.RunAsync(cancellationToken)];

    public VirtualServerInputs Inputs() => new(VirtualServers.Items.ToList(), Services.Items.ToList(), EndpointSlices.Items.ToList());

    /// <summary>Every VirtualServer's "namespace/name".</summary>
    public IEnumerable<string> Keys() => VirtualServers.Items.Select(VirtualServerPlanner.Key);

    /// <summary>The VirtualServers served on a VirtualIp: its status (the master) is theirs too.</summary>
    public IEnumerable<string> KeysOn(string virtualIp) =>
        VirtualServers.Items.Where(v => v.Spec.VirtualIpRef == virtualIp).Select(VirtualServerPlanner.Key);

    private bool IsReferenced(string? ns, string? service) =>
        service is not null && VirtualServers.Items.Any(v => v.Metadata.Namespace == ns && v.Spec.ServiceRef?.Name == service);

    private void Bump(bool relevant)
    {
        if (relevant)
        {
            Interlocked.Increment(ref planInputsVersion);
            PlanInputChanged?.Invoke();
        }
    }
}
