namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The kernel machinery that carries the virtual servers.</summary>
public enum DataplaneKind
{
    Ipvs,
    Nftables,
}
