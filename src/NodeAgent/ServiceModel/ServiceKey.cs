using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>
/// What identifies a virtual service to the kernel: either protocol + address + port, or a
/// firewall mark (with an address family). Everything else about a service can be edited in place.
/// </summary>
public sealed record ServiceKey
{
    private ServiceKey(AddressFamily family, ServiceProtocol protocol, IPAddress? address, ushort port, uint firewallMark)
    {
        Family = family;
        Protocol = protocol;
        Address = address;
        Port = port;
        FirewallMark = firewallMark;
    }

    /// <summary>AddressFamily.InterNetwork or AddressFamily.InterNetworkV6.</summary>
    public AddressFamily Family { get; }

    /// <summary><see cref="ServiceProtocol.None"/> for a firewall-mark service.</summary>
    public ServiceProtocol Protocol { get; }

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
    public static ServiceKey ForAddress(ServiceProtocol protocol, IPAddress address, ushort port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (protocol is not (ServiceProtocol.Tcp or ServiceProtocol.Udp or ServiceProtocol.Sctp))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "A virtual service is TCP, UDP or SCTP.");
        }
        CheckFamily(address.AddressFamily, nameof(address));
        return new ServiceKey(address.AddressFamily, protocol, address, port, 0);
    }

    /// <summary>A firewall-mark service (ipvsadm -f MARK, with -6 for IPv6).</summary>
    public static ServiceKey ForFirewallMark(uint mark, AddressFamily family = AddressFamily.InterNetwork)
    {
        if (mark == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mark), "A firewall mark is greater than zero.");
        }
        CheckFamily(family, nameof(family));
        return new ServiceKey(family, ServiceProtocol.None, null, 0, mark);
    }

    /// <summary>As ipvsadm names the service: "-t 10.0.0.1:80", "-u [2001:db8::1]:53", "--sctp-service ...", "-f 3" ("-f 3 -6" for IPv6).</summary>
    public override string ToString() => IsFirewallMark
        ? string.Create(CultureInfo.InvariantCulture, $"-f {FirewallMark}{(Family == AddressFamily.InterNetworkV6 ? " -6" : "")}")
        : $"{ProtocolOption} {AddressPort(Address!, Port)}";

    /// <summary>"10.0.0.1:80" or "[2001:db8::1]:80", as ipvsadm writes an address and port.</summary>
    public static string AddressPort(IPAddress address, ushort port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{address}]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";

    private string ProtocolOption => Protocol switch
    {
        ServiceProtocol.Tcp => "-t",
        ServiceProtocol.Udp => "-u",
        _ => "--sctp-service",
    };

    private static void CheckFamily(AddressFamily family, string parameter)
    {
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentOutOfRangeException(parameter, family, "IPVS supports IPv4 and IPv6 only.");
        }
    }
}
