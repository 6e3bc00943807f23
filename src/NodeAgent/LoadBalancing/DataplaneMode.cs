namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>What --dataplane asks for.</summary>
public enum DataplaneMode
{
    /// <summary>IPVS when the kernel has it, else nftables.</summary>
    Auto,
    Ipvs,
    Nftables,
}
