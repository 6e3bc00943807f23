using System.Net;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>The part of a Service the load-balancer planner reads (the kube layer maps V1Service to it).</summary>
public sealed record LoadBalancerService(
    string Namespace,
    string Name,
    string? Uid,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string? Type,
    string? LoadBalancerClass,
    IReadOnlyList<string> IpFamilies,
    string? IpFamilyPolicy,
    string? LoadBalancerIP,
    IReadOnlyList<ServicePortKey> Ports,
    DateTimeOffset? Created,
    IReadOnlyList<ServiceIngress> Status)
{
    /// <summary>spec.sessionAffinity is ClientIP: the client keeps its endpoint (persistence, in keepalived's words) for <see cref="AffinityTimeout"/>.</summary>
    public TimeSpan? AffinityTimeout { get; init; }

    /// <summary>spec.externalTrafficPolicy: "Local" or "Cluster" (Kubernetes' default).</summary>
    public string? ExternalTrafficPolicy { get; init; }

    /// <summary>spec.selector: the pods behind the Service (Local Services share an address only over the same ones).</summary>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = new Dictionary<string, string>();

    public string Key => $"{Namespace}/{Name}";

    /// <summary>The addresses its status shows now.</summary>
    public IReadOnlyList<IPAddress> Ingress => [.. Status.Select(i => i.Address)];
}
