using System.Net.NetworkInformation;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// <see cref="IMacvlanLinks"/> over rtnetlink (RTM_NEWLINK / RTM_DELLINK, <see cref="RtnetlinkMacvlanCodec"/>), on its
/// own NETLINK_ROUTE socket opened in the network namespace of the calling thread.
/// </summary>
public sealed class RtnetlinkMacvlanLinks(NetworkLinks links) : IMacvlanLinks, IDisposable
{
    private const int ENODEV = 19;

    private readonly NetlinkSocket _socket = NetlinkSocket.Open(NetlinkConstants.NetlinkRoute);

    public NetworkLink Create(int parentIndex, string name, PhysicalAddress address)
    {
        if (links.Find(name) is { } leftover)
        {
            Delete(leftover.Index);
        }

        _socket.Request(RtnetlinkMacvlanCodec.BuildCreate(parentIndex, name, address, _socket.NextSequence()));
        return links.Find(name) ?? throw new InvalidOperationException($"macvlan {name} vanished right after its creation");
    }

    public void SetUp(int index, bool up) => _socket.Request(RtnetlinkMacvlanCodec.BuildSetUp(index, up, _socket.NextSequence()));

    public void Delete(int index)
    {
        try
        {
            _socket.Request(RtnetlinkMacvlanCodec.BuildDelete(index, _socket.NextSequence()));
        }
        catch (NetlinkException e) when (e.Errno == ENODEV)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
