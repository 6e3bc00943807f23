using KeepOperator.Api.Instances;
using KeepOperator.Api.Services;

namespace KeepOperator.Api;

/// <summary>
/// One node's share of the cluster's VirtualIps and VirtualServers, cluster-scoped and named after the node.
/// The operator writes the spec (and only it); that node's agent writes the status (and only it), so an agent
/// needs read access to its own object and write access to its status, nothing cluster-wide.
/// </summary>
public sealed class NodeAgentConfig : IManifestObject
{
    public const string KindName = "NodeAgentConfig";
    public const string Plural = "nodeagentconfigs";

    public string ApiVersion { get; set; } = VirtualIp.GroupVersion;

    public string Kind { get; set; } = KindName;

    public ObjectMeta Metadata { get; set; } = new();

    public NodeAgentConfigSpec Spec { get; set; } = new();

    public NodeAgentConfigStatus? Status { get; set; }
}

public sealed class NodeAgentConfigSpec
{
    /// <summary>The VRRP instances this node takes part in, one per VirtualIp whose nodeSelector matches the node, resolved for it.</summary>
    public List<VrrpInstance> Instances { get; set; } = [];

    /// <summary>The virtual servers whose VirtualIp this node takes part in, resolved (programmed while it is master).</summary>
    public List<VirtualServerInstance>? VirtualServers { get; set; }
}

public sealed class NodeAgentConfigStatus
{
    /// <summary>The spec's metadata.generation the agent last applied.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>When the agent last wrote this status: a stale value tells the operator the agent is gone.</summary>
    public DateTimeOffset? LastHeartbeatTime { get; set; }

    /// <summary>Which load-balancing dataplane the agent uses (ipvs or nftables) and why.</summary>
    public string? Dataplane { get; set; }

    public List<NodeInstanceStatus>? Instances { get; set; }

    public List<NodeVirtualServerStatus>? VirtualServers { get; set; }

    /// <summary>
    /// VRRP routers this node heard on its instances' interfaces for VRIDs it does not run there (bounded, aged out):
    /// the operator allocates no VRID one of them uses on that segment.
    /// </summary>
    public List<ForeignRouterStatus>? ForeignRouters { get; set; }

    public List<Condition>? Conditions { get; set; }
}

/// <summary>A VRRP router heard on the segment for a VRID this node does not run there.</summary>
public sealed class ForeignRouterStatus
{
    /// <summary>The interface it was heard on.</summary>
    public string Interface { get; set; } = "";

    /// <summary>IPv4 or IPv6 (separate VRID spaces).</summary>
    public string Family { get; set; } = "";

    public int VirtualRouterId { get; set; }

    /// <summary>The advert's source address.</summary>
    public string Source { get; set; } = "";

    /// <summary>The VRRP version in the advert (2 or 3).</summary>
    public int Version { get; set; }

    public DateTimeOffset? LastHeard { get; set; }
}

/// <summary>One VRRP instance as seen by the node running it.</summary>
public sealed class NodeInstanceStatus
{
    /// <summary>The VirtualIp's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Master, Backup, Fault or Stopped.</summary>
    public string State { get; set; } = "";

    public int? Priority { get; set; }

    public int? EffectivePriority { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    /// <summary>Why the instance is where it is (the last transition's reason, or a configuration error).</summary>
    public string? Message { get; set; }

    /// <summary>Another master heard for this VRID while this one was master (split brain); null when none lately.</summary>
    public string? OtherMaster { get; set; }

    public DateTimeOffset? OtherMasterLastHeard { get; set; }
}

public sealed class NodeVirtualServerStatus
{
    public string Namespace { get; set; } = "";

    public string Name { get; set; } = "";

    public List<RealServerStatus>? RealServers { get; set; }

    /// <summary>Why this node's dataplane does not program the virtual server at all (e.g. DR without IPVS); absent when it does.</summary>
    public string? Refused { get; set; }
}
