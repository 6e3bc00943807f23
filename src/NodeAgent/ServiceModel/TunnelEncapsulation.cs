namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>Tunnel encapsulation of a tunnelling real server (IP_VS_CONN_F_TUNNEL_TYPE_*).</summary>
public enum TunnelEncapsulation : byte
{
    IpIp = 0,
    Gue = 1,
    Gre = 2,
}
