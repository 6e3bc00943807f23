using System.Net;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>Either the pool and addresses a Service holds (one per family), or why it holds none.</summary>
public sealed record AllocationOutcome(string? Pool, IReadOnlyList<IPAddress> Addresses, string? FailureReason, string? FailureMessage)
{
    public bool Succeeded => FailureReason is null;

    public static AllocationOutcome Assigned(string pool, IReadOnlyList<IPAddress> addresses) => new(pool, addresses, null, null);

    public static AllocationOutcome Failed(string reason, string message) => new(null, [], reason, message);
}
