using System.Net;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>A real server as configured: where it is and the weight it gets while healthy.</summary>
/// <param name="Port">0 for a firewall-mark virtual server's real server without a port (the packet's port is kept).</param>
public sealed record ConfiguredRealServer(IPAddress Address, ushort Port, int Weight)
{
    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
