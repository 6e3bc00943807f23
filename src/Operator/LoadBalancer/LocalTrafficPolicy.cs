namespace KeepOperator.Operator.LoadBalancer;

/// <summary>
/// externalTrafficPolicy Local: kube-proxy keeps the client's address and sends the traffic only to endpoints on the
/// node it arrived at, so only a node with a ready endpoint may hold the address; Cluster lets any eligible node hold
/// it. The endpoints' readiness decides, not a health check of our own.
/// </summary>
public static class LocalTrafficPolicy
{
    public const string Local = "Local";

    /// <summary>
    /// The nodes that may hold an address the <paramref name="sharing"/> Services use: null when none of them is Local
    /// (no restriction), else, by name, the nodes with a ready endpoint of every Local one (traffic for any of them
    /// arrives wherever the address is); empty when there is no such node.
    /// </summary>
    public static List<string>? EligibleNodes(IEnumerable<LoadBalancerService> sharing, ILookup<string, ServiceEndpoint> endpoints)
    {
        IEnumerable<string>? nodes = null;
        foreach (var service in sharing.Where(s => s.ExternalTrafficPolicy == Local))
        {
            var ready = ReadyNodes(endpoints[service.Key]);
            nodes = nodes is null ? ready : nodes.Intersect(ready, StringComparer.Ordinal);
        }
        return nodes?.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// What a Service brings to a shared address, as MetalLB's allocator compares it: Local Services may share only with
    /// Local Services of the same pod selector (the same endpoints, so one node serves them all); Cluster ones with any
    /// Cluster one. Null for Cluster.
    /// </summary>
    public static string? BackendKey(LoadBalancerService service) => service.ExternalTrafficPolicy != Local ? null
        : "Local:" + string.Join(',', service.Selector.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));

    /// <summary>Nodes with at least one ready endpoint (conditions.ready absent counts as ready, as Kubernetes documents).</summary>
    private static HashSet<string> ReadyNodes(IEnumerable<ServiceEndpoint> endpoints) =>
        endpoints.Where(e => e.Ready && !string.IsNullOrEmpty(e.NodeName)).Select(e => e.NodeName!).ToHashSet(StringComparer.Ordinal);
}
