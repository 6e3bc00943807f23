namespace KeepOperator.Api.Vocabulary;

/// <summary>The reasons of the conditions an agent writes on its NodeAgentConfig.</summary>
public static class NodeAgentConfigReasons
{
    /// <summary>IpForwarding: net.ipv4.ip_forward (or IPv6's) is off while NAT virtual servers need it.</summary>
    public const string IpForwardingOff = "IpForwardingOff";

    /// <summary>KubeProxyIpvsConflict: kube-proxy runs in IPVS mode and may delete our services.</summary>
    public const string KubeProxyIpvsMode = "KubeProxyIpvsMode";

    /// <summary>VirtualServersValid: some virtual server cannot be programmed on this node.</summary>
    public const string InvalidVirtualServer = "InvalidVirtualServer";
}
