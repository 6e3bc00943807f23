namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>Transport protocol of a virtual service (IPPROTO_*). <see cref="None"/> for firewall-mark services.</summary>
public enum ServiceProtocol : ushort
{
    None = 0,
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}
