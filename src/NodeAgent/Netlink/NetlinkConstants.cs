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

    public const ushort NlaFNested = 0x8000;
    public const ushort NlaTypeMask = 0x3fff;
}
