using System.Net;
using System.Net.Sockets;

namespace KeepOperator.Operator.Reconcile;

/// <summary>A VRRP router a node's agent heard on <paramref name="Interface"/> for a VRID it does not run there (its NodeAgentConfig status).</summary>
public sealed record HeardRouter(string Node, string Interface, AddressFamily Family, int VirtualRouterId, IPAddress Source, int Version)
{
    /// <summary>
    /// The segments whose VRIDs it takes: its interface's, and the default interface's too (a VirtualIp without
    /// spec.interface may well sit on this one).
    /// </summary>
    public IEnumerable<SegmentKey> Segments => [new SegmentKey(Interface, Family), new SegmentKey("", Family)];
}
