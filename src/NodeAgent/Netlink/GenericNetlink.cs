using System.Buffers.Binary;
using System.Text;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// Generic netlink (linux/genetlink.h): the 4-byte genlmsghdr that follows nlmsghdr, and the
/// controller family (GENL_ID_CTRL) used to resolve a family name such as "IPVS" to its id.
/// </summary>
public static class GenericNetlink
{
    /// <summary>sizeof(struct genlmsghdr): cmd (u8), version (u8), reserved (u16).</summary>
    public const int HeaderLength = 4;

    /// <summary>GENL_ID_CTRL: the fixed family id of the generic netlink controller.</summary>
    public const ushort ControllerFamilyId = 0x10;

    /// <summary>The controller's own version, as libnl sends it in CTRL_CMD_GETFAMILY.</summary>
    public const byte ControllerVersion = 1;

    public const byte CtrlCmdNewFamily = 1;
    public const byte CtrlCmdGetFamily = 3;

    public const ushort CtrlAttrFamilyId = 1;
    public const ushort CtrlAttrFamilyName = 2;
    public const ushort CtrlAttrVersion = 3;

    /// <summary>
    /// Starts a generic netlink message: nlmsghdr (type = the family id) followed by a genlmsghdr
    /// with <paramref name="command"/> and <paramref name="version"/>. Add attributes, then call ToArray.
    /// </summary>
    public static NetlinkMessageWriter CreateWriter(ushort familyId, ushort flags, byte command, byte version,
        uint sequence = 0, uint portId = 0)
    {
        var writer = new NetlinkMessageWriter(familyId, flags, sequence, portId);
        var header = writer.AppendRaw(HeaderLength);
        header[0] = command;
        header[1] = version;
        return writer;
    }

    /// <summary>CTRL_CMD_GETFAMILY for <paramref name="familyName"/>, as libnl's genl_ctrl_resolve sends it.</summary>
    public static byte[] EncodeGetFamily(string familyName, uint sequence = 0, uint portId = 0)
    {
        var writer = CreateWriter(ControllerFamilyId, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFAck,
            CtrlCmdGetFamily, ControllerVersion, sequence, portId);
        writer.PutString(CtrlAttrFamilyName, familyName);
        return writer.ToArray();
    }

    /// <summary>
    /// Reads one netlink message carrying a genlmsghdr. Returns false when the message is too short,
    /// its nlmsg_len disagrees with the span, or it is not a generic netlink message (an NLMSG_* control type).
    /// </summary>
    public static bool TryReadMessage(ReadOnlySpan<byte> message, out GenericNetlinkMessage parsed)
    {
        parsed = default;
        if (message.Length < NetlinkMessageWriter.HeaderLength + HeaderLength)
        {
            return false;
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(message);
        if (length < NetlinkMessageWriter.HeaderLength + HeaderLength || length > message.Length)
        {
            return false;
        }
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(message[4..]);
        if (type < 0x10)
        {
            // NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN and the reserved range below NLMSG_MIN_TYPE.
            return false;
        }
        parsed = new GenericNetlinkMessage(
            type,
            BinaryPrimitives.ReadUInt16LittleEndian(message[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(message[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(message[12..]),
            message[16],
            message[17],
            message[(NetlinkMessageWriter.HeaderLength + HeaderLength)..(int)length]);
        return true;
    }

    /// <summary>
    /// Parses the controller's CTRL_CMD_NEWFAMILY reply and returns CTRL_ATTR_FAMILY_ID, or null if
    /// the message is not such a reply or lacks the attribute.
    /// </summary>
    public static ushort? ParseFamilyId(ReadOnlySpan<byte> message) =>
        TryParseFamily(message, out ushort id, out _) ? id : null;

    /// <summary>Parses CTRL_CMD_NEWFAMILY: the family id and (when present) its name.</summary>
    public static bool TryParseFamily(ReadOnlySpan<byte> message, out ushort familyId, out string? familyName)
    {
        familyId = 0;
        familyName = null;
        if (!TryReadMessage(message, out var parsed) || parsed.Type != ControllerFamilyId
            || parsed.Command != CtrlCmdNewFamily)
        {
            return false;
        }
        bool haveId = false;
        var reader = new NetlinkAttributeReader(parsed.Attributes);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case CtrlAttrFamilyId when reader.Value.Length >= 2:
                    familyId = BinaryPrimitives.ReadUInt16LittleEndian(reader.Value);
                    haveId = true;
                    break;
                case CtrlAttrFamilyName:
                    familyName = ReadString(reader.Value);
                    break;
            }
        }
        return haveId;
    }

    /// <summary>A NUL-terminated (or unterminated) ASCII attribute value.</summary>
    public static string ReadString(ReadOnlySpan<byte> value)
    {
        int end = value.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? value : value[..end]);
    }
}

/// <summary>One generic netlink message: the nlmsghdr fields, the genlmsghdr, and the attribute bytes.</summary>
public readonly ref struct GenericNetlinkMessage
{
    public GenericNetlinkMessage(ushort type, ushort flags, uint sequence, uint portId, byte command, byte version,
        ReadOnlySpan<byte> attributes)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        PortId = portId;
        Command = command;
        Version = version;
        Attributes = attributes;
    }

    /// <summary>nlmsg_type: the generic netlink family id.</summary>
    public ushort Type { get; }

    public ushort Flags { get; }

    public uint Sequence { get; }

    public uint PortId { get; }

    public byte Command { get; }

    public byte Version { get; }

    public ReadOnlySpan<byte> Attributes { get; }
}
