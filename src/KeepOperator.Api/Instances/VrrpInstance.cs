using System.Text.Json.Serialization;

namespace KeepOperator.Api.Instances;

/// <summary>
/// A VirtualIp resolved for one node: every default applied, the VRID allocated, the node's effective priority, typed
/// timers. The operator writes these into each node's NodeAgentConfig; the standalone agent makes them from its file with
/// the same <see cref="VirtualIpResolver"/>. The agent runs them as they are: what is left for it to check is what only
/// the node knows (its interfaces, the Secret's value).
/// </summary>
public sealed record VrrpInstance
{
    /// <summary>The VirtualIp's name (or "namespace/name" for a namespaced standalone document).</summary>
    public required string Name { get; init; }

    /// <summary>The VirtualIp's metadata.generation this instance was resolved from.</summary>
    public long? Generation { get; init; }

    public required int VirtualRouterId { get; init; }

    public required VrrpVersion Version { get; init; }

    /// <summary>This node's priority (1-254), after the operator's pods tracks, cordon and preferred-master rules.</summary>
    public required int Priority { get; init; }

    public required TimeSpan AdvertInterval { get; init; }

    public required bool Preempt { get; init; }

    public required TimeSpan PreemptDelay { get; init; }

    /// <summary>The virtual addresses in spec order, one family.</summary>
    public required IReadOnlyList<VirtualAddress> Addresses { get; init; }

    /// <summary>The interface to use; null: the one whose subnet holds the first address (the agent looks).</summary>
    public string? Interface { get; init; }

    /// <summary>VRRPv2 simple-text password given inline.</summary>
    public string? Password { get; init; }

    /// <summary>The Secret key holding the password, its namespace always set. Its value stays in the Secret: a NodeAgentConfig is readable more widely.</summary>
    public SecretKeySelector? PasswordSecretRef { get; init; }

    public required GratuitousArpSettings GratuitousArp { get; init; }

    /// <summary>The checks the agent probes (pods checks are the operator's, already in <see cref="Priority"/>).</summary>
    public IReadOnlyList<TrackCheckSettings> Track { get; init; } = [];

    /// <summary>Interfaces whose link state adjusts the priority or means FAULT.</summary>
    public IReadOnlyList<TrackInterfaceSettings> TrackInterfaces { get; init; } = [];

    /// <summary>The sync group's name: on this node, a member in FAULT holds the others in FAULT.</summary>
    public string? SyncGroup { get; init; }

    /// <summary>Present: advertise by unicast to these peers (and accept only them) instead of multicast.</summary>
    public UnicastSettings? Unicast { get; init; }

    /// <summary>Present: the addresses go on a macvlan with the virtual router MAC while master (keepalived's use_vmac).</summary>
    public VmacSettings? Vmac { get; init; }
    /// <summary>Endpoints POSTed each transition by this node; null: none.</summary>
    public IReadOnlyList<WebhookSettings>? Webhooks { get; init; }

    /// <summary>Present: the kernel's IPVS sync daemons follow this instance's state.</summary>
    public ConnectionSyncSettings? ConnectionSync { get; init; }

    /// <summary>
    /// Standalone only, so never in a NodeAgentConfig: whoever can write one must not be able to run programs as root on
    /// the node through it.
    /// </summary>
    [JsonIgnore]
    public NotifySettings? Notify { get; init; }
}
