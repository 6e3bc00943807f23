namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>Forwarding method of a real server (IP_VS_CONN_F_* under IP_VS_CONN_F_FWD_MASK).</summary>
public enum PacketForwarding : uint
{
    /// <summary>NAT (ipvsadm -m).</summary>
    Masquerade = 0,

    /// <summary>Reported by the kernel for a real server that is a local address; not settable by ipvsadm.</summary>
    LocalNode = 1,

    /// <summary>IP-in-IP / GUE / GRE tunnelling (ipvsadm -i).</summary>
    Tunnel = 2,

    /// <summary>Direct routing, "gatewaying" (ipvsadm -g, the default).</summary>
    DirectRoute = 3,
}
