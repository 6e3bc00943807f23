namespace KeepOperator.Operator.LoadBalancer;

/// <summary>One endpoint of a Service as its EndpointSlices list it: the node it runs on (if known) and whether it is ready.</summary>
public readonly record struct ServiceEndpoint(string Service, string? NodeName, bool Ready);
