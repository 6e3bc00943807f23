using System.Net;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Config;

/// <summary>Everything one VRRP instance needs on this node, bound from a <see cref="VrrpInstance"/> to the host's interfaces.</summary>
/// <param name="Name">metadata.name, or "namespace/name" when the document has a namespace.</param>
/// <param name="Router">Protocol parameters for the state machine; Priority is this node's base priority.</param>
/// <param name="InterfaceName">Interface that sends advertisements and holds the addresses.</param>
/// <param name="InterfaceIndex">Its kernel index.</param>
/// <param name="VirtualAddresses">The VIPs with their prefix lengths, in spec order.</param>
/// <param name="Password">VRRPv2 simple-text password (at most 8 bytes), or null for no authentication.</param>
/// <param name="Track">Checks the agent probes itself (pods checks are left to the operator).</param>
/// <param name="Notify">Standalone only: scripts run on transitions.</param>
/// <param name="Vmac">Present: the addresses go on this macvlan while master.</param>
/// <param name="TrackInterfaces">Interfaces, by name, whose link state adjusts the priority or means FAULT.</param>
/// <param name="SyncGroup">The sync group: a member in FAULT holds this node's other members in FAULT.</param>
/// <param name="Webhooks">Endpoints POSTed on transitions, their URLs known.</param>
/// <param name="ConnectionSync">Present: the IPVS sync daemons follow this instance's state.</param>
/// <param name="InterfaceAddress">The interface's primary (IPv6: link-local) address, which the VRRP socket shared by the interface's instances opens with; a unicast source may differ.</param>
public sealed record VrrpInstanceSettings(
    string Name,
    VrrpRouterConfig Router,
    string InterfaceName,
    int InterfaceIndex,
    IReadOnlyList<VirtualAddress> VirtualAddresses,
    string? Password,
    GratuitousArpSettings GratuitousArp,
    IReadOnlyList<TrackCheckSettings> Track,
    IPAddress InterfaceAddress,
    NotifySettings? Notify = null,
    VmacSettings? Vmac = null,
    IReadOnlyList<TrackInterfaceSettings>? TrackInterfaces = null,
    string? SyncGroup = null,
    IReadOnlyList<WebhookTarget>? Webhooks = null,
    ConnectionSyncSettings? ConnectionSync = null);
