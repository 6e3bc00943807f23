namespace KeepOperator.Operator.Reconcile;

/// <summary>A Kubernetes Event to record on a VirtualIp or a VirtualServer. <paramref name="Type"/> is "Normal" or "Warning".</summary>
public sealed record EventSpec(string Type, string Reason, string Message);
