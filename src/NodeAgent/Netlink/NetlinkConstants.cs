namespace KeepOperator.NodeAgent.Netlink;

/// <summary>Values from linux/netlink.h shared by rtnetlink and generic netlink.</summary>
public static class NetlinkConstants
{
    public const ushort NlmFRequest = 0x1;
    public const ushort NlmFMulti = 0x2;
    public const ushort NlmFAck = 0x4;
    public const ushort NlmFRoot = 0x100;
    public const ushort NlmFMatch = 0x200;
    public const ushort NlmFDump = NlmFRoot | NlmFMatch;
    public const ushort NlmFReplace = 0x100;
    public const ushort NlmFExcl = 0x200;
    public const ushort NlmFCreate = 0x400;

    public const ushort NlmsgNoop = 1;
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;

    /// <summary>Set on dump messages when the dump was interrupted by a change: the result may be inconsistent, dump again.</summary>
    public const ushort NlmFDumpIntr = 0x10;

    /// <summary>NLMSG_ERROR flags: the echoed request was cut to its header (NETLINK_CAP_ACK) / extended-ack TLVs follow.</summary>
    public const ushort NlmFCapped = 0x100;
    public const ushort NlmFAckTlvs = 0x200;

    /// <summary>Extended-ack attribute carrying the kernel's human-readable error text.</summary>
    public const ushort NlmsgerrAttrMsg = 1;

    /// <summary>Netlink protocols (the third argument of socket(AF_NETLINK, SOCK_RAW, ...)).</summary>
    public const int NetlinkRoute = 0;
    public const int NetlinkGeneric = 16;

    public const ushort NlaFNested = 0x8000;
    public const ushort NlaTypeMask = 0x3fff;
}
