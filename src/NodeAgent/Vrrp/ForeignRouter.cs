using System.Net;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>A VRRP router heard on <paramref name="Interface"/> for a VRID no instance of this node runs there.</summary>
public sealed record ForeignRouter(string Interface, IPAddress Source, byte VirtualRouterId, int Version);
