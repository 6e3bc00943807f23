using System.Net;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>One entry of a Service's status.loadBalancer.ingress: the address and how traffic to it is handled (VIP or Proxy).</summary>
public readonly record struct ServiceIngress(IPAddress Address, string? IpMode);
