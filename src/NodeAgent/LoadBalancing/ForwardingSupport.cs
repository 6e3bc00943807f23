using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Which forwarding methods a dataplane carries out faithfully. nftables rewrites addresses only, while DR and TUN
/// must hand the real server the packet as the client sent it (the client's source, the VIP as destination): rather
/// than NAT such a virtual server in silence, nftables refuses it, and the refusal reaches the VirtualServer's status.
/// </summary>
public static class ForwardingSupport
{
    /// <summary>Why <paramref name="dataplane"/> cannot carry out <paramref name="forwarding"/>, or null when it can.</summary>
    public static string? Refusal(DataplaneKind dataplane, PacketForwarding forwarding) =>
        dataplane == DataplaneKind.Nftables && forwarding is PacketForwarding.DirectRoute or PacketForwarding.Tunnel
            ? $"forwarding {(forwarding == PacketForwarding.Tunnel ? "TUN" : "DR")} needs IPVS, which this node's kernel lacks: the nftables "
              + "dataplane can only rewrite addresses, so the real servers would not get the client's packets as sent; "
              + "use forwarding NAT, or a kernel with ip_vs"
            : null;
}
