namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// <see cref="INetworkLinks"/> over rtnetlink (RTM_GETLINK). Unlike System.Net.NetworkInformation, which reads
/// /sys and /proc of the mount namespace, this sees the network namespace the netlink socket was opened in.
/// </summary>
public sealed class NetworkLinks : INetworkLinks, IDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly bool _ownsSocket;

    /// <summary>Opens its own NETLINK_ROUTE socket, in the network namespace of the calling thread.</summary>
    public NetworkLinks()
        : this(NetlinkSocket.Open(NetlinkConstants.NetlinkRoute), ownsSocket: true)
    {
    }

    /// <summary>Uses <paramref name="socket"/> (a NETLINK_ROUTE socket), which the caller keeps owning.</summary>
    public NetworkLinks(NetlinkSocket socket)
        : this(socket, ownsSocket: false)
    {
    }

    private NetworkLinks(NetlinkSocket socket, bool ownsSocket)
    {
        _socket = socket;
        _ownsSocket = ownsSocket;
    }

    public IReadOnlyList<NetworkLink> List()
    {
        var replies = NetlinkDump.Run(_socket, RtnetlinkLinkCodec.BuildDump);
        var links = new List<NetworkLink>(replies.Count);
        foreach (var reply in replies)
        {
            if (RtnetlinkLinkCodec.TryParse(reply, out var link))
            {
                links.Add(link);
            }
        }
        return links;
    }

    public NetworkLink? Find(string name) => Get(RtnetlinkLinkCodec.BuildGet(name, _socket.NextSequence()));

    public NetworkLink? Find(int index) => index <= 0 ? null : Get(RtnetlinkLinkCodec.BuildGet(index, _socket.NextSequence()));

    public void Dispose()
    {
        if (_ownsSocket)
        {
            _socket.Dispose();
        }
    }

    private NetworkLink? Get(byte[] request)
    {
        const int ENODEV = 19;
        try
        {
            foreach (var reply in _socket.Request(request))
            {
                if (RtnetlinkLinkCodec.TryParse(reply, out var link))
                {
                    return link;
                }
            }
            return null;
        }
        catch (NetlinkException e) when (e.Errno == ENODEV)
        {
            return null;
        }
    }
}
