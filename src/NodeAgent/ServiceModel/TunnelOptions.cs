namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>Tunnel checksum flags (IP_VS_TUNNEL_ENCAP_FLAG_*); none means "nocsum".</summary>
[Flags]
public enum TunnelOptions : ushort
{
    None = 0,
    Checksum = 0x1,
    RemoteChecksum = 0x2,
}
