using System.Buffers.Binary;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>One received netlink message: its nlmsghdr fields and the bytes after the 16-byte header.</summary>
public sealed record NetlinkMessage(ushort Type, ushort Flags, uint Sequence, uint PortId, byte[] Payload)
{
    /// <summary>
    /// Splits one datagram into its messages (NLMSG_ALIGN'ed). Stops at a truncated or malformed header;
    /// such a tail is reported by returning false.
    /// </summary>
    public static bool TryParseAll(ReadOnlySpan<byte> datagram, List<NetlinkMessage> into)
    {
        while (datagram.Length >= NetlinkMessageWriter.HeaderLength)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (length < NetlinkMessageWriter.HeaderLength || length > datagram.Length)
            {
                return false;
            }
            into.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(datagram[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[12..]),
                datagram[NetlinkMessageWriter.HeaderLength..(int)length].ToArray()));
            datagram = datagram[Math.Min(NetlinkMessageWriter.Align((int)length), datagram.Length)..];
        }
        return datagram.IsEmpty;
    }
}
