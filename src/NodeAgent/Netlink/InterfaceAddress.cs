using System.Net;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>One address on one interface of this host, as the kernel lists it (RTM_GETADDR).</summary>
public sealed record InterfaceAddress(int InterfaceIndex, string InterfaceName, IPAddress Address, int PrefixLength);
