namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The dataplane to use and why, in words for the log and status.dataplane; an error when none fits.</summary>
public sealed record DataplaneChoice(DataplaneKind? Kind, string Reason)
{
    /// <summary>status.dataplane: "nftables (auto: the kernel has no IPVS ...)".</summary>
    public override string ToString() => Kind is { } kind ? $"{DataplaneSelector.Name(kind)} ({Reason})" : Reason;
}
