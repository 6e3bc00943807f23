using System.Buffers.Binary;
using System.Text;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>The kernel's own words in an NLMSG_ERROR reply (NETLINK_EXT_ACK): the NLMSGERR_ATTR_MSG text after the echoed request.</summary>
public static class NetlinkExtendedAck
{
    /// <summary>
    /// The message text, or null when the reply carries none. The echoed request's length comes from the reply
    /// itself, so a length past the payload (or one that wraps when read as a signed number) means no text, not a throw.
    /// </summary>
    public static string? Message(NetlinkMessage error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if ((error.Flags & NetlinkConstants.NlmFAckTlvs) == 0 || error.Payload.Length < 4 + NetlinkMessageWriter.HeaderLength)
        {
            return null;
        }
        long offset = 4 + NetlinkMessageWriter.HeaderLength;
        if ((error.Flags & NetlinkConstants.NlmFCapped) == 0)
        {
            offset = 4L + BinaryPrimitives.ReadUInt32LittleEndian(error.Payload.AsSpan(4));
        }
        long aligned = (offset + 3) & ~3L;
        if (aligned > error.Payload.Length)
        {
            return null;
        }
        var reader = new NetlinkAttributeReader(error.Payload.AsSpan((int)aligned));
        while (reader.MoveNext())
        {
            if (reader.Type == NetlinkConstants.NlmsgerrAttrMsg)
            {
                return Encoding.UTF8.GetString(reader.Value).TrimEnd('\0');
            }
        }
        return null;
    }
}
