using System.Net;

namespace KeepOperator.Api.Instances;

/// <summary>Unicast VRRP for one node: whom to advertise to and accept from, and the address to send from.</summary>
public sealed record UnicastSettings
{
    /// <summary>The routers' addresses, the instance's family; the agent leaves out its own. Empty: a lone node advertises to no one.</summary>
    public required IReadOnlyList<IPAddress> Peers { get; init; }

    /// <summary>The source of advertisements; null: this node's address among the peers, else the interface's primary (IPv6: link-local) address.</summary>
    public IPAddress? SourceAddress { get; init; }
}
