using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// A resolved VirtualServer as the dataplane sees it: the IPVS service its settings make, and how its real servers
/// become destinations. Which real servers are programmed at a given moment is <see cref="VirtualServerHealthRule"/>'s decision.
/// </summary>
public sealed record VirtualServerDefinition(VirtualServerInstance Server)
{
    public VirtualService Service { get; } = ServiceOf(Server);

    public PacketForwarding Forwarding { get; } = Server.Forwarding switch
    {
        ForwardingMethod.DirectRoute => PacketForwarding.DirectRoute,
        ForwardingMethod.Tunnel => PacketForwarding.Tunnel,
        _ => PacketForwarding.Masquerade,
    };

    public ServiceKey Key => Service.Key;

    /// <summary>How checks, logs and metrics name it (<see cref="VirtualServerInstance.DisplayNameOf"/>).</summary>
    public string DisplayName => VirtualServerInstance.DisplayNameOf(Server.Namespace, Server.Name);

    /// <summary>
    /// The IPVS destination of a real server. Only NAT rewrites the port: with DR and TUN the real server gets the
    /// service's port (0 for a firewall mark), as keepalived and ipvsadm program it; checks keep the configured port.
    /// </summary>
    public ServiceDestination Destination(RealServerSettings server, int weight)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new(server.Address, Forwarding == PacketForwarding.Masquerade ? (ushort)server.Port : Key.Port) { ForwardingMethod = Forwarding, Weight = weight };
    }

    private static VirtualService ServiceOf(VirtualServerInstance server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var key = server.Fwmark is { } mark
            ? ServiceKey.ForFirewallMark((uint)mark, server.Address.AddressFamily)
            : ServiceKey.ForAddress(
                server.Protocol switch
                {
                    VirtualServerProtocol.Udp => ServiceProtocol.Udp,
                    VirtualServerProtocol.Sctp => ServiceProtocol.Sctp,
                    _ => ServiceProtocol.Tcp,
                },
                server.Address,
                (ushort)server.Port!.Value);
        var service = new VirtualService(key) { Scheduler = server.Scheduler, NetmaskPrefixLength = server.PersistencePrefixLength };
        return server.PersistenceTimeout <= TimeSpan.Zero
            ? service
            // IPVS counts whole seconds; a fraction rounds up so that persistence never ends early.
            : service with { Flags = ServiceFlags.Persistent, PersistenceTimeout = (uint)Math.Ceiling(server.PersistenceTimeout.TotalSeconds) };
    }
}
