using System.Text.Json;
using k8s.Models;
using KeepOperator.Api;

namespace KeepOperator.Operator.Kube;

/// <summary>The part of each object the plan reads, as a comparable string (null for an absent object).</summary>
public static class PlanRelevance
{
    public static string? Of(VirtualIp? vip) => vip is null
        ? null
        : string.Join('\n',
            JsonSerializer.Serialize(vip.Spec, ApiJsonContext.Default.VirtualIpSpec),
            vip.Metadata.Generation,
            vip.Metadata.CreationTimestamp,
            string.Join(',', (vip.Metadata.Annotations ?? []).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")),
            vip.Status?.VirtualRouterId);

    /// <summary>
    /// What the load-balancer plan reads of any VirtualIp: its spec (addresses are reserved), labels and annotations (ours
    /// are known by them) and its master (ingress is written once there is one); not the rest of its status, which the
    /// agents' reports rewrite all the time.
    /// </summary>
    public static string? ForLoadBalancers(VirtualIp? vip) => vip is null
        ? null
        : string.Join('\n', Of(vip), Labels(vip.Metadata.Labels), vip.Status?.Master);

    public static string? Of(V1Node? node) => node is null
        ? null
        : string.Join('\n',
            Labels(node.Metadata.Labels),
            node.Spec?.Unschedulable ?? false,
            string.Join(',', InformerClusterView.InternalAddresses(node)));

    /// <summary>The foreign routers its agent hears, without when (heartbeats refresh that).</summary>
    public static string? Of(NodeAgentConfig? config) => config is null
        ? null
        : string.Join(',', InformerClusterView.HeardRouters(config).Select(h => $"{h.Interface}/{h.Family}/{h.VirtualRouterId}/{h.Source}/{h.Version}"));

    public static string? Of(V1Pod? pod)
    {
        if (pod is null)
        {
            return null;
        }

        var info = InformerClusterView.ToPodInfo(pod);
        return string.Join('\n', info.Namespace, Labels(pod.Metadata.Labels), info.NodeName, info.Ready, info.Terminating);
    }

    public static string? Of(V1Secret? secret) => secret is null
        ? null
        : string.Join(',', (secret.Data?.Keys ?? []).Order(StringComparer.Ordinal));

    public static string? Of(VirtualServer? server) => server is null
        ? null
        : string.Join('\n', JsonSerializer.Serialize(server.Spec, ApiJsonContext.Default.VirtualServerSpec), server.Metadata.Generation);

    /// <summary>A Service's ports: the serviceRef's port is looked up among them.</summary>
    public static string? Of(V1Service? service) => service is null
        ? null
        : string.Join(',', (service.Spec?.Ports ?? []).Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"));

    /// <summary>An EndpointSlice's Service, ports and ready addresses.</summary>
    public static string? Of(V1EndpointSlice? slice) => slice is null
        ? null
        : string.Join('\n',
            Reconcile.EndpointResolver.ServiceOf(slice),
            slice.AddressType,
            string.Join(',', (slice.Ports ?? []).Select(p => $"{p.Name}:{p.Port}/{p.Protocol}")),
            string.Join(',', (slice.Endpoints ?? []).Select(e => $"{string.Join(' ', e.Addresses ?? [])}={e.Conditions?.Ready}")));
    private static string Labels(IDictionary<string, string>? labels) =>
        string.Join(',', (labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
