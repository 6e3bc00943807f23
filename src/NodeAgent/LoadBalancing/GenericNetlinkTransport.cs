using System.Buffers.Binary;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The kernel's generic netlink, through a <see cref="NetlinkSocket"/> of this network namespace.</summary>
public sealed class GenericNetlinkTransport : IGenericNetlinkTransport, IDisposable
{
    private readonly NetlinkSocket _socket = NetlinkSocket.Open(NetlinkConstants.NetlinkGeneric);

    public uint NextSequence() => _socket.NextSequence();

    public IReadOnlyList<byte[]> Request(byte[] message) =>
        _socket.Request(message).Select(Whole).ToList();

    /// <summary>Several requests per datagram (<see cref="NetlinkSocket.RequestAcked"/>): one round trip per batch.</summary>
    public void RequestAcked(IReadOnlyList<byte[]> messages) => _socket.RequestAcked(messages);

    public void Dispose() => _socket.Dispose();

    /// <summary>The codecs read whole messages: put the parsed nlmsghdr back in front of the payload.</summary>
    private static byte[] Whole(NetlinkMessage reply)
    {
        var bytes = new byte[NetlinkMessageWriter.HeaderLength + reply.Payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), reply.Type);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), reply.Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), reply.Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), reply.PortId);
        reply.Payload.CopyTo(bytes, NetlinkMessageWriter.HeaderLength);
        return bytes;
    }
}
