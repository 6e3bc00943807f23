using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// A VirtualServer resolved for the dataplane: the IPVS service, every configured real server, and keepalived's rules
/// for failures (inhibit_on_failure, sorry_server, quorum with hysteresis). Which real servers are programmed at a given
/// moment is <see cref="VirtualServerHealthRule"/>'s decision.
/// </summary>
/// <param name="Namespace">Empty for a standalone document without one.</param>
/// <param name="HealthCheck">Null: no checker, the real servers are always healthy (as keepalived without one).</param>
/// <param name="QuorumMinimum">keepalived's quorum: the healthy weight the service needs (default 1).</param>
/// <param name="QuorumHysteresis">keepalived's hysteresis around <paramref name="QuorumMinimum"/> (default 0).</param>
public sealed record VirtualServerDefinition(
    string Namespace,
    string Name,
    string VirtualIpRef,
    VirtualService Service,
    PacketForwarding Forwarding,
    IReadOnlyList<ConfiguredRealServer> RealServers,
    ConfiguredRealServer? SorryServer,
    bool InhibitOnFailure,
    int QuorumMinimum,
    int QuorumHysteresis,
    RealServerCheckSpec? HealthCheck)
{
    /// <summary>namespace/name, or the name alone without a namespace: how logs and checks name it.</summary>
    public string DisplayName => DisplayNameOf(Namespace, Name);

    /// <summary>"namespace/name", or the name alone for a standalone document: how checks, logs and metrics name it.</summary>
    public static string DisplayNameOf(string ns, string name) => ns.Length == 0 ? name : $"{ns}/{name}";

    public ServiceKey Key => Service.Key;

    /// <summary>
    /// The IPVS destination of a real server. Only NAT rewrites the port: with DR and TUN the real server gets the
    /// service's port (0 for a firewall mark), as keepalived and ipvsadm program it; checks keep the configured port.
    /// </summary>
    public ServiceDestination Destination(ConfiguredRealServer server, int weight) =>
        new(server.Address, Forwarding == PacketForwarding.Masquerade ? server.Port : Key.Port) { ForwardingMethod = Forwarding, Weight = weight };

    public bool Equals(VirtualServerDefinition? other) =>
        other is not null
        && (Namespace, Name, VirtualIpRef, Service, Forwarding, SorryServer, InhibitOnFailure, QuorumMinimum, QuorumHysteresis, HealthCheck)
            == (other.Namespace, other.Name, other.VirtualIpRef, other.Service, other.Forwarding, other.SorryServer, other.InhibitOnFailure, other.QuorumMinimum, other.QuorumHysteresis, other.HealthCheck)
        && RealServers.SequenceEqual(other.RealServers);

    public override int GetHashCode() => HashCode.Combine(Namespace, Name, Service, RealServers.Count);
}
