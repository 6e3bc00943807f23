using System.Buffers.Binary;
using System.Net.NetworkInformation;
using System.Text;
using static KeepOperator.NodeAgent.Netlink.RtnetlinkConstants;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// Builds the RTM_NEWLINK / RTM_DELLINK requests for a VMAC macvlan, as <c>ip link add link PARENT name NAME address
/// MAC type macvlan mode private</c>, <c>ip link set NAME up|down</c> and <c>ip link del NAME</c> send them.
/// </summary>
public static class RtnetlinkMacvlanCodec
{
    private const string Kind = "macvlan";

    /// <summary>Creates the macvlan, down; NLM_F_EXCL: an existing link of that name is an error (EEXIST), never reused silently.</summary>
    public static byte[] BuildCreate(int parentIndex, string name, PhysicalAddress address, uint sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parentIndex);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(address);
        if (name.Length > 15)
        {
            throw new ArgumentException($"Interface name '{name}' is longer than IFNAMSIZ-1 (15).", nameof(name));
        }

        var writer = new NetlinkMessageWriter(RtmNewLink, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFAck | NetlinkConstants.NlmFExcl | NetlinkConstants.NlmFCreate, sequence);
        writer.AppendRaw(IfInfoMsgLength);
        writer.PutBytes(IflaAddress, address.GetAddressBytes());
        writer.PutU32(IflaLink, (uint)parentIndex);
        writer.PutString(IflaIfName, name);
        writer.BeginNested(IflaLinkInfo);
        writer.PutBytes(IflaInfoKind, Encoding.ASCII.GetBytes(Kind)); // unterminated, as iproute2 sends it
        writer.BeginNested(IflaInfoData);
        writer.PutU32(IflaMacvlanMode, MacvlanModePrivate);
        writer.EndNested();
        writer.EndNested();
        return writer.ToArray();
    }

    /// <summary>Sets or clears IFF_UP (ifi_change names the one flag, so the others stay).</summary>
    public static byte[] BuildSetUp(int index, bool up, uint sequence) =>
        Header(RtmNewLink, index, up ? IffUp : 0, IffUp, sequence);

    public static byte[] BuildDelete(int index, uint sequence) => Header(RtmDelLink, index, 0, 0, sequence);

    private static byte[] Header(ushort type, int index, uint flags, uint change, uint sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index);
        var writer = new NetlinkMessageWriter(type, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFAck, sequence);
        var header = writer.AppendRaw(IfInfoMsgLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], change);
        return writer.ToArray();
    }
}
