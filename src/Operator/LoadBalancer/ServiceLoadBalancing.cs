using System.Net;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>
/// One Service's part of the plan: what it was given (or why not), the ipMode its pool asks for, and the addresses to
/// publish in status.loadBalancer.ingress: only those a node already holds as master.
/// </summary>
public sealed record ServiceLoadBalancing(AllocationOutcome Outcome, string IpMode, IReadOnlyList<IPAddress> Ingress)
{
    /// <summary>Its addresses (externalTrafficPolicy Local) no node may hold: none has a ready endpoint. They stay allocated.</summary>
    public IReadOnlyList<IPAddress> WithoutLocalEndpoint { get; init; } = [];
}
