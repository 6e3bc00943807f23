using System.Net;

namespace KeepOperator.Api.Services;

/// <summary>
/// A VirtualServer resolved for the nodes that run its VirtualIp (or that its nodeSelector picks): every default applied, real servers resolved (a
/// serviceRef's endpoints merged in by the operator), typed addresses and timers. The operator writes these into each
/// node's NodeAgentConfig; the standalone agent makes them from its file with the same <see cref="VirtualServerResolver"/>.
/// The agent programs them as they are: what is left for it to check needs its running VirtualIp instances.
/// </summary>
public sealed record VirtualServerInstance
{
    /// <summary>The VirtualServer's namespace; empty for a standalone document without one.</summary>
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    /// <summary>The VirtualServer's metadata.generation this was resolved from.</summary>
    public long? Generation { get; init; }

    /// <summary>
    /// The name of the <see cref="Instances.VrrpInstance"/> whose address it serves; null for a static virtual server
    /// (on an address the node holds itself), which the agent programs whatever the VRRP state.
    /// </summary>
    public string? VirtualIp { get; init; }

    /// <summary>The address served: one of the VirtualIp's, or the static one (unspecified for a static firewall mark).</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The virtual port; null for a firewall-mark virtual server.</summary>
    public int? Port { get; init; }

    /// <summary>The firewall mark; null for an address:port virtual server.</summary>
    public int? Fwmark { get; init; }

    /// <summary>Unused by a firewall-mark virtual server (the mark selects the packets).</summary>
    public required VirtualServerProtocol Protocol { get; init; }

    public required string Scheduler { get; init; }

    public required ForwardingMethod Forwarding { get; init; }

    /// <summary>Zero: no persistence.</summary>
    public required TimeSpan PersistenceTimeout { get; init; }

    /// <summary>Clients grouped for persistence by this prefix (32 or 128 when the spec gave no netmask).</summary>
    public required int PersistencePrefixLength { get; init; }

    /// <summary>In the operator's order (by address, then port); the agent keeps it.</summary>
    public required IReadOnlyList<RealServerSettings> RealServers { get; init; }

    /// <summary>Used while the quorum is down.</summary>
    public RealServerSettings? SorryServer { get; init; }

    /// <summary>A failed real server stays at weight 0 instead of being removed.</summary>
    public required bool InhibitOnFailure { get; init; }

    public required QuorumSettings Quorum { get; init; }

    /// <summary>Null: no checker, the real servers are always healthy (as keepalived without one).</summary>
    public RealServerCheckSettings? HealthCheck { get; init; }

    /// <summary>"namespace/name", or the name alone without a namespace: how checks, logs and metrics name a virtual server.</summary>
    public static string DisplayNameOf(string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Length == 0 ? name : $"{ns}/{name}";
    }

    // By value, real servers included, the generation left out: what the agent programs did not change when only it did,
    // and an equal resolution leaves the virtual server (its quorum state, its checks) running as it is.
    public bool Equals(VirtualServerInstance? other) =>
        other is not null
        && Address.Equals(other.Address)
        && (Namespace, Name, VirtualIp, Port, Fwmark, Protocol, Scheduler, Forwarding, PersistenceTimeout, PersistencePrefixLength)
            == (other.Namespace, other.Name, other.VirtualIp, other.Port, other.Fwmark, other.Protocol, other.Scheduler, other.Forwarding, other.PersistenceTimeout, other.PersistencePrefixLength)
        && (SorryServer, InhibitOnFailure, Quorum, HealthCheck) == (other.SorryServer, other.InhibitOnFailure, other.Quorum, other.HealthCheck)
        && RealServers.SequenceEqual(other.RealServers);

    public override int GetHashCode() => HashCode.Combine(Namespace, Name, Address, Port, Fwmark, RealServers.Count);
}
