using System.Net;

namespace KeepOperator.Api.Instances;

/// <summary>Unicast VRRP for one node: whom to advertise to and accept from, and the address to send from.</summary>
public sealed record UnicastSettings
{
    /// <summary>The other routers' addresses, the instance's family, this node's own left out. Empty: a lone node advertises to no one.</summary>
    public required IReadOnlyList<IPAddress> Peers { get; init; }

    /// <summary>The source of advertisements; null: the interface's primary address (IPv6: its link-local address).</summary>
    public IPAddress? SourceAddress { get; init; }
}
