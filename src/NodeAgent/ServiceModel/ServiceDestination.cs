using System.Net;

namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>
/// A real server of a virtual service. Identified within its service by <see cref="Address"/> and
/// <see cref="Port"/>; everything else can be edited in place. Defaults are ipvsadm's (-g, -w 1).
/// </summary>
public sealed record ServiceDestination(IPAddress Address, ushort Port)
{
    public PacketForwarding ForwardingMethod { get; init; } = PacketForwarding.DirectRoute;

    /// <summary>Scheduling weight; 0 quiesces the server.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Upper connection threshold (ipvsadm -x); 0 means none.</summary>
    public uint UpperThreshold { get; init; }

    /// <summary>Lower connection threshold (ipvsadm -y); 0 means none.</summary>
    public uint LowerThreshold { get; init; }

    /// <summary>Tunnel type, meaningful with <see cref="PacketForwarding.Tunnel"/>.</summary>
    public TunnelEncapsulation TunnelType { get; init; }

    /// <summary>GUE destination port (host order), meaningful with <see cref="TunnelEncapsulation.Gue"/>.</summary>
    public ushort TunnelPort { get; init; }

    public TunnelOptions TunnelFlags { get; init; }

    /// <summary>True when <paramref name="other"/> names the same real server (address and port).</summary>
    public bool SameServerAs(ServiceDestination other) =>
        other is not null && Port == other.Port && Address.Equals(other.Address);
}
