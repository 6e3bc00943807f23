namespace KeepOperator.Api;

/// <summary>
/// A set of virtual addresses held by exactly one node at a time through VRRP.
/// Shaped as a Kubernetes custom resource (keepoperator.io/v1alpha1, kind VirtualIp); the standalone agent
/// reads the very same documents from a YAML file.
/// </summary>
public sealed class VirtualIp : IManifestObject
{
    public const string Group = "keepoperator.io";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
    public const string KindName = "VirtualIp";
    public const string Plural = "virtualips";

    public string ApiVersion { get; set; } = GroupVersion;

    public string Kind { get; set; } = KindName;

    public ObjectMeta Metadata { get; set; } = new();

    public VirtualIpSpec Spec { get; set; } = new();

    /// <summary>Filled in by the operator; absent in standalone files.</summary>
    public VirtualIpStatus? Status { get; set; }
}

/// <summary>Defaults applied when a <see cref="VirtualIpSpec"/> field is absent (keepalived's defaults where it has one).</summary>
public static class VirtualIpDefaults
{
    public const int VrrpVersion = 2;
    public const string AdvertInterval = "1s";
    public const bool Preempt = true;
    public const string PreemptDelay = "0s";
    public const int Priority = 100;
    public const string AuthenticationType = "PASS";

    public const string TcpHost = "127.0.0.1";
    public const string HttpExpectedStatus = "200-299";
    public const int TrackWeight = 0;
    public const string TrackInterval = "2s";
    public const string TrackTimeout = "1s";
    public const int TrackRise = 1;
    public const int TrackFall = 1;

    public const int GratuitousArpRepeat = 5;
    public const string GratuitousArpDelay = "5s";
    public const string GratuitousArpRefreshInterval = "0s";

    public const string NotifyTimeout = "5s";

    public const string WebhookTimeout = "5s";
    public const int WebhookAttempts = 4;
    public const int SyncId = 0;
}

public sealed class VirtualIpSpec
{
    /// <summary>IP addresses, optionally with a prefix ("10.0.0.5" or "10.0.0.5/24"); one family. No prefix: /32 or /128.</summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>Interface to hold the addresses on; default: the interface whose subnet holds the first address.</summary>
    public string? Interface { get; set; }

    /// <summary>1-255. Optional in a cluster (the operator assigns one), required standalone.</summary>
    public int? VirtualRouterId { get; set; }

    /// <summary>2 (RFC 3768, IPv4 only) or 3 (RFC 5798). Default 2.</summary>
    public int? VrrpVersion { get; set; }

    /// <summary>Go duration. v2: whole seconds 1-255; v3: 10ms-40.95s in steps of 10ms. Default "1s".</summary>
    public string? AdvertInterval { get; set; }

    /// <summary>Default true.</summary>
    public bool? Preempt { get; set; }

    /// <summary>Go duration, 0s-1000s. Default "0s".</summary>
    public string? PreemptDelay { get; set; }

    /// <summary>VRRPv2 simple-text authentication (RFC 2338); not allowed with v3.</summary>
    public VrrpAuthentication? Authentication { get; set; }

    /// <summary>Per-node priorities; a node not listed gets <see cref="DefaultPriority"/>.</summary>
    public List<NodePriority>? Priorities { get; set; }

    /// <summary>1-254. Default 100.</summary>
    public int? DefaultPriority { get; set; }

    /// <summary>Nodes eligible to hold the addresses (cluster only; evaluated by the operator).</summary>
    public Dictionary<string, string>? NodeSelector { get; set; }

    /// <summary>
    /// Present: only the nodes named here (and matched by <see cref="NodeSelector"/>) are eligible; an empty list, none
    /// (cluster only; evaluated by the operator). The load-balancer controller sets it for externalTrafficPolicy Local:
    /// the nodes with a ready endpoint, by the node names EndpointSlices carry (not every cluster's hostname label).
    /// </summary>
    public List<string>? NodeNames { get; set; }

    /// <summary>Checks that adjust the priority (keepalived's track_script).</summary>
    public List<TrackCheck>? Track { get; set; }

    /// <summary>Other interfaces whose link state adjusts the priority (keepalived's track_interface).</summary>
    public List<TrackInterface>? TrackInterfaces { get; set; }

    /// <summary>
    /// keepalived's vrrp_sync_group: the VirtualIps naming the same group move together. On a node, a member in FAULT
    /// holds every other member in FAULT, so the group is master on one node only as a whole.
    /// </summary>
    public string? SyncGroup { get; set; }

    public GratuitousArp? GratuitousArp { get; set; }

    /// <summary>Present: advertisements go by unicast to each peer instead of to the VRRP multicast group (keepalived's unicast_peer).</summary>
    public VrrpUnicast? Unicast { get; set; }

    /// <summary>Standalone only: scripts run on state transitions (keepalived's notify_master, notify_backup, notify_fault, notify_stop, notify).</summary>
    public VrrpNotify? Notify { get; set; }

    /// <summary>Present: the master holds the addresses on a macvlan with the virtual router MAC (keepalived's use_vmac).</summary>
    public VirtualMac? UseVmac { get; set; }

    /// <summary>HTTP(S) endpoints the node agent POSTs each state transition to (standalone and in a cluster).</summary>
    public List<VrrpWebhook>? Webhooks { get; set; }

    /// <summary>IPVS connection synchronisation driven by this VirtualIp's state (keepalived's lvs_sync_daemon); needs the IPVS dataplane.</summary>
    public ConnectionSync? ConnectionSync { get; set; }
}

/// <summary>
/// keepalived's use_vmac with vmac_xmit_base: a macvlan (mode private) on the interface, its MAC the virtual router MAC
/// 00-00-5E-00-01-VRID (IPv4) / 00-00-5E-00-02-VRID (IPv6), holds the addresses while master and answers ARP / ND
/// for them, so neighbours keep their entries across a failover. Advertisements go from the interface itself.
/// </summary>
public sealed class VirtualMac
{
    /// <summary>The macvlan's name, 1-15 characters. Default "vrrp.VRID" (IPv4) / "vrrp6.VRID" (IPv6), keepalived's names.</summary>
    public string? InterfaceName { get; set; }
}

public sealed class VrrpAuthentication
{
    /// <summary>Only "PASS" (simple text) is supported.</summary>
    public string Type { get; set; } = VirtualIpDefaults.AuthenticationType;

    /// <summary>1-8 bytes, inline. Exactly one of <see cref="Password"/> and <see cref="PasswordSecretRef"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Cluster only: the password is read from this Secret key.</summary>
    public SecretKeySelector? PasswordSecretRef { get; set; }
}

public sealed class SecretKeySelector
{
    /// <summary>Default: the VirtualIp's namespace.</summary>
    public string? Namespace { get; set; }

    public string? Name { get; set; }

    public string? Key { get; set; }
}

public sealed class NodePriority
{
    public string? NodeName { get; set; }

    /// <summary>1-254.</summary>
    public int? Priority { get; set; }
}

/// <summary>
/// One tracked check (keepalived's vrrp_script + track_script). Exactly one of <see cref="Tcp"/>, <see cref="Http"/>, <see cref="Pods"/>.
/// A negative <see cref="Weight"/> lowers the priority while the check fails, a positive one raises it while it succeeds,
/// and weight 0 puts the instance in FAULT while the check fails.
/// </summary>
public sealed class TrackCheck
{
    public string? Name { get; set; }

    public TcpCheck? Tcp { get; set; }

    public HttpCheck? Http { get; set; }

    /// <summary>Cluster only: evaluated by the operator; the standalone agent ignores it.</summary>
    public PodsCheck? Pods { get; set; }

    /// <summary>-254..254. Default 0 (failure means FAULT).</summary>
    public int? Weight { get; set; }

    /// <summary>Go duration. Default "2s".</summary>
    public string? Interval { get; set; }

    /// <summary>Go duration. Default "1s".</summary>
    public string? Timeout { get; set; }

    /// <summary>Consecutive successes to become OK. Default 1.</summary>
    public int? Rise { get; set; }

    /// <summary>Consecutive failures to become failed. Default 1.</summary>
    public int? Fall { get; set; }
}

/// <summary>
/// One tracked interface (keepalived's track_interface): up means administratively up with carrier. A negative
/// <see cref="Weight"/> lowers the priority while it is down, a positive one raises it while it is up, 0 means FAULT while down.
/// </summary>
public sealed class TrackInterface
{
    /// <summary>The Linux interface name on the node.</summary>
    public string? Name { get; set; }

    /// <summary>-254..254. Default 0 (down means FAULT).</summary>
    public int? Weight { get; set; }
}

public sealed class TcpCheck
{
    /// <summary>Default "127.0.0.1".</summary>
    public string? Host { get; set; }

    public int? Port { get; set; }
}

public sealed class HttpCheck
{
    /// <summary>Absolute http:// or https:// URL.</summary>
    public string? Url { get; set; }

    /// <summary>Comma-separated codes and ranges, e.g. "200-299,301". Default "200-299".</summary>
    public string? ExpectedStatus { get; set; }
}

/// <summary>
/// Fails on a node while no Ready, non-terminating pod matching <see cref="Selector"/> in <see cref="Namespace"/> runs
/// there. Pod readiness has its own probe timing, so interval, timeout, rise and fall do not apply.
/// </summary>
public sealed class PodsCheck
{
    /// <summary>Default "default" (VirtualIps are cluster-scoped).</summary>
    public string? Namespace { get; set; }

    public LabelSelector? Selector { get; set; }
}

/// <summary>
/// Unicast VRRP, for networks that drop multicast. In a cluster, without <see cref="Peers"/> the operator lists the
/// InternalIP of every other eligible node (of the addresses' family) and each node sends from its own.
/// </summary>
public sealed class VrrpUnicast
{
    /// <summary>
    /// The routers' addresses, the addresses' family; a standalone configuration must list them. A node leaves out its
    /// own and sends from it, so one list serves every node.
    /// </summary>
    public List<string>? Peers { get; set; }

    /// <summary>Standalone only: the address advertisements go from (keepalived's unicast_src_ip); default this node's address among the peers, else the interface's primary address.</summary>
    public string? SourceAddress { get; set; }
}

/// <summary>Gratuitous ARP (IPv4) / unsolicited neighbour advertisements (IPv6) sent on becoming master.</summary>
public sealed class GratuitousArp
{
    /// <summary>Messages per burst, 0-255. Default 5 (keepalived's garp_master_repeat).</summary>
    public int? Repeat { get; set; }

    /// <summary>Go duration: a second burst this long after the first; "0s" disables it. Default "5s".</summary>
    public string? Delay { get; set; }

    /// <summary>Go duration: repeat a burst this often while master; absent or "0s" is off.</summary>
    public string? RefreshInterval { get; set; }
}

/// <summary>
/// Command lines run on a transition, split keepalived's way (whitespace; single and double quotes group), not through a
/// shell: the program must be an absolute path. Standalone only: an operator pushing scripts onto every node is a way
/// to run anything as root there, and a cluster has Events and webhooks for the same purpose.
/// </summary>
public sealed class VrrpNotify
{
    /// <summary>On becoming MASTER (notify_master).</summary>
    public string? Master { get; set; }

    /// <summary>On becoming BACKUP (notify_backup).</summary>
    public string? Backup { get; set; }

    /// <summary>On entering FAULT (notify_fault).</summary>
    public string? Fault { get; set; }

    /// <summary>When the instance stops (notify_stop).</summary>
    public string? Stop { get; set; }

    /// <summary>On every transition, with "INSTANCE name MASTER|BACKUP|FAULT|STOP priority" appended (notify).</summary>
    public string? Any { get; set; }

    /// <summary>Go duration &gt; 0: a script still running this long after its start is sent SIGTERM, then SIGKILL. Default "5s".</summary>
    public string? Timeout { get; set; }
}

/// <summary>
/// An endpoint told of every transition by a small JSON POST from the node that made it: the agent sees the transition
/// first and sends it also while the API server is down. Exactly one of <see cref="Url"/> and <see cref="UrlSecretRef"/>.
/// </summary>
public sealed class VrrpWebhook
{
    /// <summary>Absolute http:// or https:// URL, without credentials (a URL carrying a token belongs in a Secret).</summary>
    public string? Url { get; set; }

    /// <summary>Cluster only: the URL is read by the agent from this Secret key.</summary>
    public SecretKeySelector? UrlSecretRef { get; set; }

    /// <summary>PEM certificates trusted for this endpoint instead of the system's (a private CA).</summary>
    public string? CaBundle { get; set; }

    /// <summary>Go duration per attempt, 1ms-60s. Default "5s".</summary>
    public string? Timeout { get; set; }

    /// <summary>Tries per transition, 1-10, with a doubling backoff between them. Default 4.</summary>
    public int? Attempts { get; set; }
}

/// <summary>
/// keepalived's <c>lvs_sync_daemon INTERFACE INSTANCE [id SYNC_ID] [maxlen LEN]</c>: while this VirtualIp is master on a node,
/// its kernel's IPVS master sync daemon multicasts the connection table on <see cref="Interface"/>; elsewhere a backup
/// daemon receives it, so the next master forwards established connections on. One per node (the kernel runs one of each).
/// </summary>
public sealed class ConnectionSync
{
    /// <summary>Linux interface the sync messages go out on and are received from. Required.</summary>
    public string? Interface { get; set; }

    /// <summary>0-255: directors exchange messages of their own sync ID only (0 takes any). Default 0.</summary>
    public int? SyncId { get; set; }

    /// <summary>1-65507: largest sync message payload in bytes; absent: the kernel's choice (from the interface's MTU).</summary>
    public int? MaxPacketLength { get; set; }
}
