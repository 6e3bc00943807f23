namespace KeepOperator.Api.Vocabulary;

/// <summary>The condition types the operator writes on VirtualIps (and Ready on VirtualServers), and the agents on NodeAgentConfigs.</summary>
public static class ConditionTypes
{
    /// <summary>True when exactly one live node reports Master.</summary>
    public const string Ready = "Ready";

    /// <summary>
    /// True when another VirtualIp on the same segment uses the same VRID (neither is given to agents), when the segment
    /// has no VRID free, or when a router outside the cluster advertises the VirtualIp's VRID (still given to agents).
    /// </summary>
    public const string Conflict = "Conflict";

    /// <summary>True when VirtualIpValidator refuses the spec (not given to agents).</summary>
    public const string Invalid = "Invalid";

    /// <summary>Present only with a passwordSecretRef or a webhook urlSecretRef: True when a Secret or its key is missing (not given to agents).</summary>
    public const string SecretMissing = "SecretMissing";

    /// <summary>Present only with the preferred-master annotation: whether the preferred node was raised above the others.</summary>
    public const string PreferredMaster = "PreferredMaster";

    /// <summary>Present only with a pods track: True while some node has no Ready pod for one (the message says which and the effect).</summary>
    public const string TrackFailing = "TrackFailing";

    /// <summary>Present only with a syncGroup: True when the group's members cannot share a master (none of them is given to agents).</summary>
    public const string SyncGroupRefused = "SyncGroupRefused";

    /// <summary>NodeAgentConfig: False while IP forwarding is off and NAT virtual servers need it.</summary>
    public const string IpForwarding = "IpForwarding";

    /// <summary>NodeAgentConfig: True while kube-proxy in IPVS mode may delete this node's IPVS services.</summary>
    public const string KubeProxyIpvsConflict = "KubeProxyIpvsConflict";

    /// <summary>NodeAgentConfig: False while some of spec.virtualServers cannot be programmed.</summary>
    public const string VirtualServersValid = "VirtualServersValid";
}
