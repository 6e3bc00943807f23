using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>A serviceRef's real servers, or why there are none to give (<see cref="Problem"/>: the Service or its port is missing).</summary>
public sealed record EndpointResolution(IReadOnlyList<RealServer> RealServers, PlannedCondition? Problem);
