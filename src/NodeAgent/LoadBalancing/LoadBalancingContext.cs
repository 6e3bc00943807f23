namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The running load balancer and what was decided about its dataplane at start, for status reporting.</summary>
public sealed record LoadBalancingContext(LoadBalancer Balancer, DataplaneChoice Dataplane, string? KubeProxyWarning);
