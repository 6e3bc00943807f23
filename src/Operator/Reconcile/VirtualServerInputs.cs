using k8s.Models;
using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>What VirtualServer planning reads besides the VirtualIps: the VirtualServers and the Services and EndpointSlices their serviceRefs name.</summary>
public sealed record VirtualServerInputs(
    IReadOnlyList<VirtualServer> VirtualServers,
    IReadOnlyList<V1Service> Services,
    IReadOnlyList<V1EndpointSlice> EndpointSlices)
{
    public static VirtualServerInputs None { get; } = new([], [], []);
}
