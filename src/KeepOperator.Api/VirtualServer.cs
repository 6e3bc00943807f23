namespace KeepOperator.Api;

/// <summary>
/// keepalived's virtual_server block as a namespaced custom resource (keepoperator.io/v1alpha1, kind VirtualServer):
/// an L4 service on a VirtualIp's address, balanced over health-checked real servers by the node that is master; or,
/// without a VirtualIp, on a static address of the nodes its nodeSelector picks (keepalived's LVS-only director).
/// </summary>
public sealed class VirtualServer : IManifestObject
{
    public const string KindName = "VirtualServer";
    public const string Plural = "virtualservers";

    public string ApiVersion { get; set; } = VirtualIp.GroupVersion;

    public string Kind { get; set; } = KindName;

    public ObjectMeta Metadata { get; set; } = new();

    public VirtualServerSpec Spec { get; set; } = new();

    public VirtualServerStatus? Status { get; set; }
}

/// <summary>Defaults applied when a <see cref="VirtualServerSpec"/> field is absent (keepalived's where it has one).</summary>
public static class VirtualServerDefaults
{
    public const string Protocol = "TCP";
    public const string Scheduler = "wlc";
    public const string Forwarding = "NAT";
    public const int Weight = 1;
    public const string HealthCheckInterval = "60s";
    public const string ConnectTimeout = "5s";
    public const int Retries = 1;
    public const string DelayBeforeRetry = "1s";
    public const string HttpPath = "/";
    public const string HttpExpectedStatus = "200-299";
}

public sealed class VirtualServerSpec
{
    /// <summary>Name of the (cluster-scoped) VirtualIp whose master node serves this virtual server; absent: a static virtual server.</summary>
    public string? VirtualIpRef { get; set; }

    /// <summary>
    /// With virtualIpRef: which of the VirtualIp's addresses to serve on (default its first). Without: the static
    /// address the nodes hold themselves (required unless fwmark is given), programmed whatever the VRRP state.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>A static virtual server's nodes (cluster only; evaluated by the operator); absent: every node.</summary>
    public Dictionary<string, string>? NodeSelector { get; set; }

    /// <summary>1-65535; absent for a firewall-mark virtual server.</summary>
    public int? Port { get; set; }

    /// <summary>TCP, UDP or SCTP (lb protocol). Default TCP.</summary>
    public string? Protocol { get; set; }

    /// <summary>A firewall-mark virtual server (keepalived's "virtual_server fwmark N") instead of address:port.</summary>
    public int? Fwmark { get; set; }

    /// <summary>lb_algo: rr wrr lc wlc lblc lblcr dh sh sed nq mh fo ovf twos. Default wlc (as ipvsadm).</summary>
    public string? Scheduler { get; set; }

    /// <summary>lb_kind: DR, NAT or TUN. Default NAT.</summary>
    public string? Forwarding { get; set; }

    /// <summary>Go duration; absent or 0s: no persistence (persistence_timeout).</summary>
    public string? PersistenceTimeout { get; set; }

    /// <summary>Client netmask grouping persistence (persistence_granularity), e.g. "255.255.255.0" or a prefix length "24".</summary>
    public string? PersistenceNetmask { get; set; }

    /// <summary>Fixed real servers; merged with those of <see cref="ServiceRef"/> when both are given.</summary>
    public List<RealServer>? RealServers { get; set; }

    /// <summary>A Service in this namespace: its ready EndpointSlice addresses become real servers and follow the pods.</summary>
    public ServiceReference? ServiceRef { get; set; }

    public HealthCheck? HealthCheck { get; set; }

    /// <summary>inhibit_on_failure: a failed real server keeps its entry with weight 0 instead of being removed.</summary>
    public bool? InhibitOnFailure { get; set; }

    /// <summary>sorry_server: used when no real server is healthy.</summary>
    public RealServer? SorryServer { get; set; }

    public Quorum? Quorum { get; set; }
}

public sealed class RealServer
{
    public string Address { get; set; } = "";

    /// <summary>1-65535; default the virtual server's port.</summary>
    public int? Port { get; set; }

    /// <summary>0-65535; default 1. Weight 0 takes no new connections.</summary>
    public int? Weight { get; set; }
}

public sealed class ServiceReference
{
    public string Name { get; set; } = "";

    /// <summary>The Service port's name or number whose endpoints' target port the real servers use; default the first.</summary>
    public string? Port { get; set; }
}

/// <summary>keepalived's checker block, one per virtual server, applied to every real server.</summary>
public sealed class HealthCheck
{
    /// <summary>delay_loop, Go duration. Default 60s.</summary>
    public string? Interval { get; set; }

    public TcpHealthCheck? Tcp { get; set; }

    public HttpHealthCheck? Http { get; set; }

    /// <summary>retry (nb_get_retry): failed attempts before a real server is declared down. Default 1.</summary>
    public int? Retries { get; set; }

    /// <summary>delay_before_retry, Go duration. Default 1s.</summary>
    public string? DelayBeforeRetry { get; set; }
}

public sealed class TcpHealthCheck
{
    /// <summary>connect_port; default the real server's port.</summary>
    public int? Port { get; set; }

    /// <summary>connect_timeout, Go duration. Default 5s.</summary>
    public string? ConnectTimeout { get; set; }
}

public sealed class HttpHealthCheck
{
    /// <summary>url path. Default "/".</summary>
    public string? Path { get; set; }

    public int? Port { get; set; }

    /// <summary>status_code ranges such as "200-299,302". Default "200-299".</summary>
    public string? ExpectedStatus { get; set; }

    /// <summary>A .NET regular expression the body must match (keepalived's regex).</summary>
    public string? BodyRegex { get; set; }

    /// <summary>The MD5 digest of the body, 32 hex digits (keepalived's digest).</summary>
    public string? Digest { get; set; }

    /// <summary>HTTPS, the certificate not verified (keepalived's SSL_GET). Default false.</summary>
    public bool? Tls { get; set; }

    public string? ConnectTimeout { get; set; }
}

/// <summary>Minimum healthy weight (quorum) with hysteresis, as keepalived's quorum/hysteresis.</summary>
public sealed class Quorum
{
    public int Minimum { get; set; }

    public int? Hysteresis { get; set; }
}

public sealed class VirtualServerStatus
{
    public long? ObservedGeneration { get; set; }

    /// <summary>The address served (the VirtualIp's), for printing.</summary>
    public string? Address { get; set; }

    /// <summary>Node serving it (the VirtualIp's master; for a static virtual server, the first node reporting it).</summary>
    public string? Node { get; set; }

    public int? Healthy { get; set; }

    public int? Total { get; set; }

    /// <summary>"healthy/total", for the HEALTHY printer column.</summary>
    public string? HealthySummary { get; set; }

    public List<RealServerStatus>? RealServers { get; set; }

    public List<Condition>? Conditions { get; set; }
}

public sealed class RealServerStatus
{
    public string Address { get; set; } = "";

    public int? Port { get; set; }

    public bool Healthy { get; set; }

    public int? Weight { get; set; }

    public DateTimeOffset? LastCheckTime { get; set; }

    public string? Message { get; set; }
}
