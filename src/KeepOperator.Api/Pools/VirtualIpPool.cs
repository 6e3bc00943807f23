namespace KeepOperator.Api.Pools;

/// <summary>
/// Addresses for Services of type LoadBalancer, and the VRRP settings they are held with (keepoperator.io/v1alpha1,
/// kind VirtualIpPool). Cluster-scoped like the VirtualIps it gives rise to. Worded as MetalLB's IPAddressPool
/// (addresses, autoAssign, avoidBuggyIPs, serviceAllocation; status assignedIPv4/6, availableIPv4/6), so a MetalLB
/// user finds the same words.
/// </summary>
public sealed class VirtualIpPool : IManifestObject
{
    public const string KindName = "VirtualIpPool";
    public const string Plural = "virtualippools";

    public string ApiVersion { get; set; } = VirtualIp.GroupVersion;

    public string Kind { get; set; } = KindName;

    public ObjectMeta Metadata { get; set; } = new();

    public VirtualIpPoolSpec Spec { get; set; } = new();

    public VirtualIpPoolStatus? Status { get; set; }
}

public sealed class VirtualIpPoolSpec
{
    /// <summary>CIDRs ("192.0.2.0/28"), ranges ("192.0.2.10-192.0.2.20") or single addresses, IPv4 and IPv6 alike.</summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>Default true. False: only a Service that names this pool (annotation keepoperator.io/address-pool) gets an address from it.</summary>
    public bool? AutoAssign { get; set; }

    /// <summary>Default false. True: IPv4 addresses ending in .0 or .255 are never handed out (old equipment drops them).</summary>
    public bool? AvoidBuggyIPs { get; set; }

    /// <summary>Which Services may get an address from this pool, and which pool wins when several may.</summary>
    public ServiceAllocation? ServiceAllocation { get; set; }

    /// <summary>
    /// VIP (default): the address is held and announced, kube-proxy forwards it (the Service's status says ipMode VIP).
    /// Proxy: the master's own dataplane (IPVS or nftables) balances over the Service's ready endpoints (ipMode Proxy).
    /// </summary>
    public string? IpMode { get; set; }

    /// <summary>The VRRP settings of the VirtualIps made for this pool's addresses.</summary>
    public VirtualIpTemplate? VirtualIp { get; set; }
}

public sealed class ServiceAllocation
{
    /// <summary>Lower is preferred when several pools may serve a Service (MetalLB's rule); unset: after every set one.</summary>
    public int? Priority { get; set; }

    /// <summary>Only Services in these namespaces.</summary>
    public List<string>? Namespaces { get; set; }

    /// <summary>Only Services in namespaces matching one of these.</summary>
    public List<LabelSelector>? NamespaceSelectors { get; set; }

    /// <summary>Only Services matching one of these.</summary>
    public List<LabelSelector>? ServiceSelectors { get; set; }
}

/// <summary>The part of a <see cref="VirtualIpSpec"/> a pool decides for every address it hands out.</summary>
public sealed class VirtualIpTemplate
{
    /// <summary>2 or 3; default 3 (v2 cannot carry IPv6 addresses).</summary>
    public int? VrrpVersion { get; set; }

    /// <summary>Go duration; default "1s".</summary>
    public string? AdvertInterval { get; set; }

    public Dictionary<string, string>? NodeSelector { get; set; }

    public string? Interface { get; set; }

    public int? DefaultPriority { get; set; }

    public bool? Preempt { get; set; }

    /// <summary>Present: advertisements by unicast to the eligible nodes (for networks that drop VRRP multicast).</summary>
    public VrrpUnicast? Unicast { get; set; }
}

/// <summary>Written by the operator; counts as MetalLB's IPAddressPool status has them.</summary>
public sealed class VirtualIpPoolStatus
{
    public long? AssignedIPv4 { get; set; }

    public long? AssignedIPv6 { get; set; }

    /// <summary>Free addresses; capped at the largest 64-bit number (an IPv6 /64 holds more).</summary>
    public long? AvailableIPv4 { get; set; }

    public long? AvailableIPv6 { get; set; }

    public List<Condition>? Conditions { get; set; }

    public long? ObservedGeneration { get; set; }
}
