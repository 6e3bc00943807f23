using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net.NetworkInformation;
using System.Text;
using static KeepOperator.NodeAgent.Netlink.RtnetlinkConstants;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>Builds RTM_GETLINK requests and parses RTM_NEWLINK replies into <see cref="NetworkLink"/>.</summary>
public static class RtnetlinkLinkCodec
{
    /// <summary>RTM_GETLINK dump of every link, statistics left out (IFLA_EXT_MASK RTEXT_FILTER_SKIP_STATS).</summary>
    public static byte[] BuildDump(uint sequence)
    {
        var writer = new NetlinkMessageWriter(RtmGetLink, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFDump, sequence);
        writer.AppendRaw(IfInfoMsgLength);
        writer.PutU32(IflaExtMask, RtextFilterSkipStats);
        return writer.ToArray();
    }

    /// <summary>RTM_GETLINK for one link by index; the kernel answers with one RTM_NEWLINK or ENODEV.</summary>
    public static byte[] BuildGet(int index, uint sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index);
        var writer = new NetlinkMessageWriter(RtmGetLink, NetlinkConstants.NlmFRequest, sequence);
        BinaryPrimitives.WriteInt32LittleEndian(writer.AppendRaw(IfInfoMsgLength)[4..], index);
        writer.PutU32(IflaExtMask, RtextFilterSkipStats);
        return writer.ToArray();
    }

    /// <summary>RTM_GETLINK for one link by name (IFLA_IFNAME); the kernel answers with one RTM_NEWLINK or ENODEV.</summary>
    public static byte[] BuildGet(string name, uint sequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > 15)
        {
            throw new ArgumentException($"Interface name '{name}' is longer than IFNAMSIZ-1 (15).", nameof(name));
        }
        var writer = new NetlinkMessageWriter(RtmGetLink, NetlinkConstants.NlmFRequest, sequence);
        writer.AppendRaw(IfInfoMsgLength);
        writer.PutU32(IflaExtMask, RtextFilterSkipStats);
        writer.PutString(IflaIfName, name);
        return writer.ToArray();
    }

    /// <summary>
    /// A link notification (RTMGRP_LINK): RTM_NEWLINK says how the link is now, RTM_DELLINK that it is gone, which is
    /// returned as a link that is not up.
    /// </summary>
    public static bool TryParseChange(NetlinkMessage message, [NotNullWhen(true)] out NetworkLink? link)
    {
        ArgumentNullException.ThrowIfNull(message);
        link = null;
        return message.Type switch
        {
            RtmNewLink => TryParse(message.Payload, out link),
            RtmDelLink when TryParse(message.Payload, out var gone) => (link = gone with { IsUp = false }) is not null,
            _ => false,
        };
    }

    public static bool TryParse(NetlinkMessage message, [NotNullWhen(true)] out NetworkLink? link)
    {
        link = null;
        return message.Type == RtmNewLink && TryParse(message.Payload, out link);
    }

    /// <summary>Decodes an ifinfomsg payload (the bytes after nlmsghdr).</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out NetworkLink? link)
    {
        link = null;
        if (payload.Length < IfInfoMsgLength)
        {
            return false;
        }
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        string? name = null;
        var hardware = PhysicalAddress.None;
        var reader = new NetlinkAttributeReader(payload[IfInfoMsgLength..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case IflaIfName:
                    name = Encoding.UTF8.GetString(reader.Value).TrimEnd('\0');
                    break;
                case IflaAddress:
                    hardware = new PhysicalAddress(reader.Value.ToArray());
                    break;
            }
        }
        if (name is null || index <= 0)
        {
            return false;
        }
        bool up = (flags & IffUp) != 0 && (flags & IffRunning) != 0;
        link = new NetworkLink(index, name, hardware, up);
        return true;
    }
}
