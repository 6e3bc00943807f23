using System.Net;
using System.Net.Sockets;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>Adds, removes and lists interface addresses; both changes are idempotent.</summary>
public interface IInterfaceAddresses
{
    /// <summary>Adds <paramref name="address"/>/<paramref name="prefixLength"/> to the interface; already present is fine.</summary>
    void Add(int ifindex, IPAddress address, int prefixLength);

    /// <summary>Removes the address from the interface; already absent is fine.</summary>
    void Remove(int ifindex, IPAddress address, int prefixLength);

    /// <summary>Every address of every interface, in the kernel's order (per interface, IPv4 primaries first).</summary>
    IReadOnlyList<InterfaceAddress> List();
}

/// <summary>
/// <see cref="IInterfaceAddresses"/> over rtnetlink (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR). IPv6 addresses are
/// added with IFA_F_NODAD (usable at once, as keepalived does).
/// </summary>
public sealed class RtnetlinkInterfaceAddresses : IInterfaceAddresses, IDisposable
{
    private const int ENOENT = 2;
    private const int EEXIST = 17;
    private const int EADDRNOTAVAIL = 99;

    private readonly NetlinkSocket _socket;
    private readonly bool _ownsSocket;

    /// <summary>Opens its own NETLINK_ROUTE socket, in the network namespace of the calling thread.</summary>
    public RtnetlinkInterfaceAddresses()
        : this(NetlinkSocket.Open(NetlinkConstants.NetlinkRoute), ownsSocket: true)
    {
    }

    /// <summary>Uses <paramref name="socket"/> (a NETLINK_ROUTE socket), which the caller keeps owning.</summary>
    public RtnetlinkInterfaceAddresses(NetlinkSocket socket)
        : this(socket, ownsSocket: false)
    {
    }

    private RtnetlinkInterfaceAddresses(NetlinkSocket socket, bool ownsSocket)
    {
        _socket = socket;
        _ownsSocket = ownsSocket;
    }

    public void Add(int ifindex, IPAddress address, int prefixLength)
    {
        try
        {
            _socket.Request(RtnetlinkAddressCodec.BuildAdd(ifindex, address, prefixLength, _socket.NextSequence()));
        }
        catch (NetlinkException e) when (e.Errno == EEXIST)
        {
        }
    }

    public void Remove(int ifindex, IPAddress address, int prefixLength)
    {
        try
        {
            _socket.Request(RtnetlinkAddressCodec.BuildDelete(ifindex, address, prefixLength, _socket.NextSequence()));
        }
        catch (NetlinkException e) when (e.Errno is EADDRNOTAVAIL or ENOENT)
        {
        }
    }

    public IReadOnlyList<InterfaceAddress> List()
    {
        var names = new Dictionary<int, string>();
        foreach (var reply in NetlinkDump.Run(_socket, RtnetlinkLinkCodec.BuildDump))
        {
            if (RtnetlinkLinkCodec.TryParse(reply, out var link))
            {
                names[link.Index] = link.Name;
            }
        }
        var addresses = new List<InterfaceAddress>();
        foreach (var reply in NetlinkDump.Run(_socket, sequence => RtnetlinkAddressCodec.BuildDump(AddressFamily.Unspecified, sequence)))
        {
            if (RtnetlinkAddressCodec.TryParse(reply, index => names.GetValueOrDefault(index), out var address))
            {
                addresses.Add(address);
            }
        }
        return addresses;
    }

    public void Dispose()
    {
        if (_ownsSocket)
        {
            _socket.Dispose();
        }
    }
}
