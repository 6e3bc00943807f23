using System.Net;
using System.Text.Json;
using KeepOperator.Api;
using KeepOperator.Api.Pools;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>
/// Brings Services of type LoadBalancer, their VirtualIps and the pools' statuses to <see cref="LoadBalancerPlanner"/>'s
/// plan, writing only differences. One key for all of them: an address is a cluster-wide resource, so every Service's
/// allocation reads every other's. Events on the Service tell its story: IPAllocated, why it got none, which node is
/// master of its address, that no node may hold it (externalTrafficPolicy Local without a ready endpoint).
/// </summary>
public sealed class LoadBalancerReconciler(ILoadBalancerView view, ILoadBalancerWriter writer, IEventSink events, TimeProvider time, bool defaultClass)
{
    public const string IpAllocated = "IPAllocated";
    public const string BecameMaster = "BecameMaster";
    public const string NoLocalEndpoints = "NoLocalEndpoints";

    private readonly Dictionary<string, AllocationOutcome> told = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Service, IPAddress Address), string> toldMasters = [];
    private readonly HashSet<string> toldNoLocalEndpoints = new(StringComparer.Ordinal);

    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var services = view.Services();
        var virtualIps = view.VirtualIps();
        var pools = view.Pools();
        var plan = LoadBalancerPlanner.Build(services, pools, virtualIps, view.NamespaceLabels(), view.Endpoints(), defaultClass);
        var existing = virtualIps.ToDictionary(v => v.Metadata.Name ?? "", StringComparer.Ordinal);

        foreach (var (name, desired) in plan.VirtualIps)
        {
            if (!existing.TryGetValue(name, out var current))
            {
                await writer.CreateVirtualIpAsync(desired, cancellationToken);
            }
            else if (LoadBalancerPlanner.IsManaged(current) && !Same(current, desired))
            {
                await writer.UpdateVirtualIpAsync(current, desired, cancellationToken);
            }
        }
        foreach (var name in plan.VirtualIpsToDelete)
        {
            await writer.DeleteVirtualIpAsync(name, cancellationToken);
        }
        await ReconcileVirtualServersAsync(plan.VirtualServers, cancellationToken);

        var byKey = services.ToDictionary(s => s.Key, StringComparer.Ordinal);
        foreach (var (key, serving) in plan.Services)
        {
            var service = byKey[key];
            var ingress = serving.Ingress.Select(a => new ServiceIngress(a, serving.IpMode)).ToList();
            if (!service.Status.SequenceEqual(ingress))
            {
                await writer.WriteIngressAsync(service, ingress, cancellationToken);
            }
            await TellAsync(service, serving, existing, cancellationToken);
        }
        foreach (var key in plan.IngressToClear)
        {
            await writer.WriteIngressAsync(byKey[key], [], cancellationToken);
        }
        foreach (var key in told.Keys.Where(k => !plan.Services.ContainsKey(k)).ToList())
        {
            told.Remove(key);
        }
        foreach (var key in toldMasters.Keys.Where(k => !plan.Services.ContainsKey(k.Service)).ToList())
        {
            toldMasters.Remove(key); // a deleted Service's masters, as its outcome above
        }
        toldNoLocalEndpoints.IntersectWith(plan.Services.Keys);
        foreach (var pool in pools)
        {
            var status = WithTransitionTimes(pool.Status, plan.Pools[pool.Metadata.Name ?? ""]);
            if (Json(pool.Status) != Json(status))
            {
                await writer.WritePoolStatusAsync(pool, status, cancellationToken);
            }
        }
    }

    /// <summary>The Proxy-mode VirtualServers: the desired ones created or updated, managed ones no longer desired deleted.</summary>
    private async Task ReconcileVirtualServersAsync(IReadOnlyDictionary<string, VirtualServer> desired, CancellationToken cancellationToken)
    {
        var managed = view.VirtualServers().Where(v => v.Metadata.Labels?.GetValueOrDefault(LoadBalancerNames.ManagedByLabel) == LoadBalancerNames.ManagedBy)
            .ToDictionary(v => $"{v.Metadata.Namespace}/{v.Metadata.Name}", StringComparer.Ordinal);
        foreach (var (key, server) in desired)
        {
            var current = managed.GetValueOrDefault(key);
            if (current is null || JsonSerializer.Serialize(current.Spec, ApiJsonContext.Default.VirtualServerSpec) != JsonSerializer.Serialize(server.Spec, ApiJsonContext.Default.VirtualServerSpec))
            {
                await writer.WriteVirtualServerAsync(current, server, cancellationToken);
            }
        }
        foreach (var (key, server) in managed.Where(m => !desired.ContainsKey(m.Key)))
        {
            await writer.DeleteVirtualServerAsync(server.Metadata.Namespace ?? "", server.Metadata.Name ?? "", cancellationToken);
        }
    }

    /// <summary>
    /// An Event when the Service's outcome or its addresses' master changed since the last one told. After a restart
    /// nothing is known: an outcome its status already shows, and a master already published, are not told again.
    /// </summary>
    private async Task TellAsync(LoadBalancerService service, ServiceLoadBalancing serving, Dictionary<string, VirtualIp> virtualIps, CancellationToken cancellationToken)
    {
        var subject = EventSubject.OfService(service.Namespace, service.Name, service.Uid);
        var outcome = serving.Outcome;
        var known = told.TryGetValue(service.Key, out var before);
        var alreadyShown = !known && outcome.Succeeded && outcome.Addresses.All(service.Ingress.Contains);
        if (!alreadyShown && (!known || !SameOutcome(before!, outcome)))
        {
            await events.RecordAsync(subject, outcome.Succeeded
                ? new EventSpec("Normal", IpAllocated, $"{string.Join(", ", outcome.Addresses)} from VirtualIpPool {outcome.Pool}")
                : new EventSpec("Warning", outcome.FailureReason!, outcome.FailureMessage!), cancellationToken);
        }
        told[service.Key] = outcome;

        if (serving.WithoutLocalEndpoint.Count == 0)
        {
            toldNoLocalEndpoints.Remove(service.Key);
        }
        else if (toldNoLocalEndpoints.Add(service.Key))
        {
            await events.RecordAsync(subject, new EventSpec("Warning", NoLocalEndpoints,
                $"externalTrafficPolicy Local and no node has a ready endpoint: {string.Join(", ", serving.WithoutLocalEndpoint)} stays allocated, held by no node until one has"), cancellationToken);
        }

        foreach (var address in outcome.Addresses)
        {
            var name = LoadBalancerNames.VirtualIpName(address);
            if (virtualIps.GetValueOrDefault(name)?.Status?.Master is not { } master)
            {
                continue;
            }
            var heard = toldMasters.TryGetValue((service.Key, address), out var previous);
            toldMasters[(service.Key, address)] = master;
            if ((heard && previous != master) || (!heard && !service.Ingress.Contains(address)))
            {
                await events.RecordAsync(subject, new EventSpec("Normal", BecameMaster, $"node={master} holds {address} as master (VirtualIp {name})"), cancellationToken);
            }
        }
    }

    private static bool SameOutcome(AllocationOutcome a, AllocationOutcome b) =>
        a.Pool == b.Pool && a.Addresses.SequenceEqual(b.Addresses) && a.FailureReason == b.FailureReason && a.FailureMessage == b.FailureMessage;

    private static bool Same(VirtualIp current, VirtualIp desired) =>
        JsonSerializer.Serialize(current.Spec, ApiJsonContext.Default.VirtualIpSpec) == JsonSerializer.Serialize(desired.Spec, ApiJsonContext.Default.VirtualIpSpec)
        && desired.Metadata.Labels!.All(l => current.Metadata.Labels?.GetValueOrDefault(l.Key) == l.Value)
        && desired.Metadata.Annotations!.All(a => current.Metadata.Annotations?.GetValueOrDefault(a.Key) == a.Value);

    /// <summary>A condition keeps its lastTransitionTime while its status stays; a new status is stamped now.</summary>
    private VirtualIpPoolStatus WithTransitionTimes(VirtualIpPoolStatus? previous, VirtualIpPoolStatus status)
    {
        foreach (var condition in status.Conditions ?? [])
        {
            var old = previous?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
            condition.LastTransitionTime = old is not null && old.Status == condition.Status ? old.LastTransitionTime : time.GetUtcNow();
        }
        return status;
    }

    private static string Json(VirtualIpPoolStatus? status) =>
        status is null ? "" : JsonSerializer.Serialize(status, ApiJsonContext.Default.VirtualIpPoolStatus);
}
