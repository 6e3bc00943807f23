using System.Net;

namespace KeepOperator.Api.Services;

/// <summary>A real server, defaults applied: where it is and the weight it gets while healthy.</summary>
/// <param name="Port">The virtual server's port when the spec gave none; 0 for a firewall-mark virtual server's real server without one (the packet's port is kept).</param>
public sealed record RealServerSettings(IPAddress Address, int Port, int Weight)
{
    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
