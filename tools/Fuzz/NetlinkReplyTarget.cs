using System.Buffers.Binary;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.Fuzz;

/// <summary>
/// One datagram from an rtnetlink socket, as the agent reads replies and notifications: <see cref="NetlinkMessage.TryParseAll"/>
/// splits it, then each message goes to its reader (<see cref="RtnetlinkLinkCodec.TryParseChange"/>,
/// <see cref="RtnetlinkAddressCodec.TryParse(NetlinkMessage, Func{int, string?}?, out InterfaceAddress?)"/>, or for
/// NLMSG_ERROR <see cref="NetlinkExtendedAck.Message"/>). These readers promise to return false (or null) on
/// anything malformed, never to throw. The outcome is Accepted when every message was read, else the rejections,
/// e.g. <c>BadLink+Truncated</c>.
/// </summary>
public sealed class NetlinkReplyTarget : IFuzzTarget
{
    public string Name => "netlink-reply";

    public IReadOnlyList<byte[]> Dictionary { get; } =
    [
        [16, 0], [17, 0], [20, 0], [2, 0], [3, 0], [0x00, 0x02], [0x00, 0x01], [0x00, 0x03], [0x02], [0x0a],
        [0x08, 0x00, 0x03, 0x00], [0x08, 0x00, 0x01, 0x00], [0xff, 0xff, 0xff, 0xff], [0x10, 0, 0, 0], [.."eth0\0"u8],
    ];

    public IEnumerable<byte[]> SeedsFrom(string path) => HexLines.Read(path);

    public string Run(ReadOnlySpan<byte> input)
    {
        var messages = new List<NetlinkMessage>();
        bool whole = NetlinkMessage.TryParseAll(input, messages);
        FuzzOutcome.Require(
            messages.Sum(m => (long)NetlinkMessageWriter.Align(NetlinkMessageWriter.HeaderLength + m.Payload.Length)) <= NetlinkMessageWriter.Align(input.Length),
            "the messages fit in the datagram");
        var rejected = messages.Select(Read).OfType<string>().Distinct().ToList();
        if (!whole)
        {
            rejected.Add("Truncated");
        }
        return messages.Count == 0 && whole ? "Empty" : rejected.Count == 0 ? FuzzOutcome.Accepted : string.Join('+', rejected);
    }

    /// <summary>Null when the message was read, else why not.</summary>
    private static string? Read(NetlinkMessage message)
    {
        switch (message.Type)
        {
            case NetlinkConstants.NlmsgError:
                NetlinkExtendedAck.Message(message);
                return null;
            case RtnetlinkConstants.RtmNewLink or RtnetlinkConstants.RtmDelLink:
                if (!RtnetlinkLinkCodec.TryParseChange(message, out var link))
                {
                    return "BadLink";
                }
                FuzzOutcome.Require(link.Index == BinaryPrimitives.ReadInt32LittleEndian(message.Payload.AsSpan(4)), "a link has ifi_index as its index");
                FuzzOutcome.Require(message.Type == RtnetlinkConstants.RtmNewLink || !link.IsUp, "a deleted link is not up");
                return null;
            case RtnetlinkConstants.RtmNewAddr:
                if (!RtnetlinkAddressCodec.TryParse(message, null, out var address))
                {
                    return "BadAddress";
                }
                FuzzOutcome.Require(
                    address.Address.AddressFamily == (message.Payload[0] == 2 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6),
                    "an address is of the ifa_family the message names");
                FuzzOutcome.Require(address.InterfaceIndex == BinaryPrimitives.ReadInt32LittleEndian(message.Payload.AsSpan(4)), "an address has ifa_index as its interface");
                return null;
            default:
                return null; // acks, NLMSG_DONE and types the agent does not read
        }
    }
}
