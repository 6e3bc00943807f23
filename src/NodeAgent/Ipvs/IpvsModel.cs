using System.Net;
using System.Net.Sockets;

namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>Transport protocol of a virtual service (IPPROTO_*). <see cref="None"/> for firewall-mark services.</summary>
public enum IpvsProtocol : ushort
{
    None = 0,
    Tcp = 6,
    Udp = 17,
    Sctp = 132,
}

/// <summary>Forwarding method of a real server (IP_VS_CONN_F_* under IP_VS_CONN_F_FWD_MASK).</summary>
public enum IpvsForwardingMethod : uint
{
    /// <summary>NAT (ipvsadm -m).</summary>
    Masquerade = 0,

    /// <summary>Reported by the kernel for a real server that is a local address; not settable by ipvsadm.</summary>
    LocalNode = 1,

    /// <summary>IP-in-IP / GUE / GRE tunnelling (ipvsadm -i).</summary>
    Tunnel = 2,

    /// <summary>Direct routing, "gatewaying" (ipvsadm -g, the default).</summary>
    DirectRoute = 3,
}

/// <summary>Virtual service flags (IP_VS_SVC_F_*).</summary>
[Flags]
public enum IpvsServiceFlags : uint
{
    None = 0,
    Persistent = 0x0001,

    /// <summary>Kernel-internal; the decoder strips it from dumps and the encoder never sends it.</summary>
    Hashed = 0x0002,
    OnePacket = 0x0004,

    /// <summary>Scheduler flag 1; for "sh" it means sh-fallback.</summary>
    Sched1 = 0x0008,

    /// <summary>Scheduler flag 2; for "sh" it means sh-port.</summary>
    Sched2 = 0x0010,
    Sched3 = 0x0020,
}

/// <summary>Tunnel encapsulation of a tunnelling real server (IP_VS_CONN_F_TUNNEL_TYPE_*).</summary>
public enum IpvsTunnelType : byte
{
    IpIp = 0,
    Gue = 1,
    Gre = 2,
}

/// <summary>Tunnel checksum flags (IP_VS_TUNNEL_ENCAP_FLAG_*); none means "nocsum".</summary>
[Flags]
public enum IpvsTunnelFlags : ushort
{
    None = 0,
    Checksum = 0x1,
    RemoteChecksum = 0x2,
}

/// <summary>
/// What identifies a virtual service to the kernel: either protocol + address + port, or a
/// firewall mark (with an address family). Everything else about a service can be edited in place.
/// </summary>
public sealed record IpvsServiceKey
{
    private IpvsServiceKey(AddressFamily family, IpvsProtocol protocol, IPAddress? address, ushort port, uint firewallMark)
    {
        Family = family;
        Protocol = protocol;
        Address = address;
        Port = port;
        FirewallMark = firewallMark;
    }

    /// <summary>AddressFamily.InterNetwork or AddressFamily.InterNetworkV6.</summary>
    public AddressFamily Family { get; }

    /// <summary><see cref="IpvsProtocol.None"/> for a firewall-mark service.</summary>
    public IpvsProtocol Protocol { get; }

    /// <summary>The virtual address; null for a firewall-mark service.</summary>
    public IPAddress? Address { get; }

    /// <summary>The virtual port (host order); 0 for a firewall-mark service.</summary>
    public ushort Port { get; }

    /// <summary>The firewall mark; 0 for an address service.</summary>
    public uint FirewallMark { get; }

    public bool IsFirewallMark => FirewallMark != 0;

    /// <summary>The longest persistence prefix for this family: 32 or 128 (also the kernel's default).</summary>
    public int MaxPrefixLength => Family == AddressFamily.InterNetworkV6 ? 128 : 32;

    /// <summary>A TCP, UDP or SCTP service on <paramref name="address"/>:<paramref name="port"/>.</summary>
    public static IpvsServiceKey ForAddress(IpvsProtocol protocol, IPAddress address, ushort port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (protocol is not (IpvsProtocol.Tcp or IpvsProtocol.Udp or IpvsProtocol.Sctp))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "A virtual service is TCP, UDP or SCTP.");
        }
        CheckFamily(address.AddressFamily, nameof(address));
        return new IpvsServiceKey(address.AddressFamily, protocol, address, port, 0);
    }

    /// <summary>A firewall-mark service (ipvsadm -f MARK, with -6 for IPv6).</summary>
    public static IpvsServiceKey ForFirewallMark(uint mark, AddressFamily family = AddressFamily.InterNetwork)
    {
        if (mark == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mark), "A firewall mark is greater than zero.");
        }
        CheckFamily(family, nameof(family));
        return new IpvsServiceKey(family, IpvsProtocol.None, null, 0, mark);
    }

    public override string ToString() => IpvsadmCommandRenderer.RenderServiceKey(this);

    private static void CheckFamily(AddressFamily family, string parameter)
    {
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentOutOfRangeException(parameter, family, "IPVS supports IPv4 and IPv6 only.");
        }
    }
}

/// <summary>
/// A virtual service and its settings, as IPVS_CMD_NEW_SERVICE / SET_SERVICE carry them.
/// Defaults are ipvsadm's: scheduler "wlc", no flags, timeout 0, full-length persistence netmask.
/// </summary>
public sealed record IpvsService(IpvsServiceKey Key)
{
    /// <summary>ipvsadm's default scheduler.</summary>
    public const string DefaultScheduler = "wlc";

    /// <summary>ipvsadm's persistence timeout when -p is given without a value (seconds).</summary>
    public const uint DefaultPersistenceTimeout = 360;

    /// <summary>Scheduler name (rr, wrr, lc, wlc, sh, dh, ...).</summary>
    public string Scheduler { get; init; } = DefaultScheduler;

    /// <summary>Service flags. <see cref="IpvsServiceFlags.Hashed"/> is never part of a desired or decoded service.</summary>
    public IpvsServiceFlags Flags { get; init; }

    /// <summary>Persistence timeout in seconds (IPVS_SVC_ATTR_TIMEOUT); meaningful with <see cref="IpvsServiceFlags.Persistent"/>.</summary>
    public uint PersistenceTimeout { get; init; }

    /// <summary>
    /// Persistence granularity as a prefix length (0..32 or 0..128); defaults to the full length.
    /// A kernel dump with a non-contiguous IPv4 mask decodes to -1, which equals no valid setting.
    /// </summary>
    public int NetmaskPrefixLength { get; init; } = Key.MaxPrefixLength;

    /// <summary>Persistence engine (IPVS_SVC_ATTR_PE_NAME, e.g. "sip"), or null for none.</summary>
    public string? PersistenceEngine { get; init; }

    public bool IsPersistent => (Flags & IpvsServiceFlags.Persistent) != 0;
}

/// <summary>
/// A real server of a virtual service. Identified within its service by <see cref="Address"/> and
/// <see cref="Port"/>; everything else can be edited in place. Defaults are ipvsadm's (-g, -w 1).
/// </summary>
public sealed record IpvsDestination(IPAddress Address, ushort Port)
{
    public IpvsForwardingMethod ForwardingMethod { get; init; } = IpvsForwardingMethod.DirectRoute;

    /// <summary>Scheduling weight; 0 quiesces the server.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Upper connection threshold (ipvsadm -x); 0 means none.</summary>
    public uint UpperThreshold { get; init; }

    /// <summary>Lower connection threshold (ipvsadm -y); 0 means none.</summary>
    public uint LowerThreshold { get; init; }

    /// <summary>Tunnel type, meaningful with <see cref="IpvsForwardingMethod.Tunnel"/>.</summary>
    public IpvsTunnelType TunnelType { get; init; }

    /// <summary>GUE destination port (host order), meaningful with <see cref="IpvsTunnelType.Gue"/>.</summary>
    public ushort TunnelPort { get; init; }

    public IpvsTunnelFlags TunnelFlags { get; init; }

    /// <summary>True when <paramref name="other"/> names the same real server (address and port).</summary>
    public bool SameServerAs(IpvsDestination other) =>
        other is not null && Port == other.Port && Address.Equals(other.Address);
}

/// <summary>
/// A virtual service together with its real servers. Equality compares the service and the
/// real servers as a set (order does not matter to IPVS, and the kernel dumps in hash order).
/// </summary>
public sealed record IpvsVirtualServer(IpvsService Service, IReadOnlyList<IpvsDestination> Destinations)
{
    public IpvsVirtualServer(IpvsService service, params IpvsDestination[] destinations)
        : this(service, (IReadOnlyList<IpvsDestination>)destinations)
    {
    }

    public IpvsServiceKey Key => Service.Key;

    public override string ToString() =>
        $"{Service} with [{string.Join(", ", Destinations.Select(d => d.ToString()))}]";

    public bool Equals(IpvsVirtualServer? other)
    {
        if (other is null)
        {
            return false;
        }
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (Service != other.Service || Destinations.Count != other.Destinations.Count)
        {
            return false;
        }
        var remaining = new List<IpvsDestination>(other.Destinations);
        foreach (var destination in Destinations)
        {
            int index = remaining.IndexOf(destination);
            if (index < 0)
            {
                return false;
            }
            remaining.RemoveAt(index);
        }
        return true;
    }

    public override int GetHashCode()
    {
        // Order-independent: sum of the destinations' hashes.
        int sum = 0;
        foreach (var destination in Destinations)
        {
            sum = unchecked(sum + destination.GetHashCode());
        }
        return HashCode.Combine(Service, Destinations.Count, sum);
    }
}
