namespace KeepOperator.Operator.LoadBalancer;

/// <summary>Why a Service got no address: the reason of its Event and condition, in Kubernetes' CamelCase.</summary>
public static class AllocationReasons
{
    public const string NoAddressAvailable = "NoAddressAvailable";
    public const string NoPoolMatches = "NoPoolMatches";
    public const string UnknownPool = "UnknownPool";
    public const string RequestedAddressNotInPool = "RequestedAddressNotInPool";
    public const string RequestedAddressInUse = "RequestedAddressInUse";
    public const string PortClash = "PortClash";
    public const string TrafficPolicyClash = "TrafficPolicyClash";
    public const string InvalidAddress = "InvalidAddress";
}
