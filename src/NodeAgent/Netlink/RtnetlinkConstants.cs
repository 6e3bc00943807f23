namespace KeepOperator.NodeAgent.Netlink;

/// <summary>Values from linux/rtnetlink.h, linux/if_addr.h, linux/if_link.h and linux/if.h.</summary>
public static class RtnetlinkConstants
{
    public const ushort RtmNewLink = 16;
    public const ushort RtmDelLink = 17;
    public const ushort RtmGetLink = 18;
    public const ushort RtmNewAddr = 20;
    public const ushort RtmDelAddr = 21;
    public const ushort RtmGetAddr = 22;

    /// <summary>struct ifaddrmsg: family u8, prefixlen u8, flags u8, scope u8, index u32.</summary>
    public const int IfAddrMsgLength = 8;

    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;
    public const ushort IfaLabel = 3;
    public const ushort IfaBroadcast = 4;
    public const ushort IfaCacheInfo = 6;
    public const ushort IfaFlags = 8;

    public const uint IfaFSecondary = 0x01;
    public const uint IfaFNoDad = 0x02;
    public const uint IfaFDadFailed = 0x08;
    public const uint IfaFTentative = 0x40;
    public const uint IfaFPermanent = 0x80;

    public const byte RtScopeUniverse = 0;
    public const byte RtScopeLink = 253;
    public const byte RtScopeHost = 254;

    /// <summary>struct ifinfomsg: family u8, pad u8, type u16, index s32, flags u32, change u32.</summary>
    public const int IfInfoMsgLength = 16;

    public const ushort IflaAddress = 1;
    public const ushort IflaIfName = 3;
    public const ushort IflaLink = 5;
    public const ushort IflaOperState = 16;
    public const ushort IflaLinkInfo = 18;
    public const ushort IflaInfoKind = 1;
    public const ushort IflaInfoData = 2;
    public const ushort IflaMacvlanMode = 1;

    /// <summary>MACVLAN_MODE_PRIVATE: no traffic between macvlans of one parent, keepalived's mode for a VMAC.</summary>
    public const uint MacvlanModePrivate = 1;
    public const ushort IflaExtMask = 29;

    /// <summary>IFLA_EXT_MASK bit: leave the (large) statistics out of link dumps.</summary>
    public const uint RtextFilterSkipStats = 1 << 3;

    /// <summary>The rtnetlink multicast group of link notifications (RTMGRP_LINK), a bit of sockaddr_nl.nl_groups.</summary>
    public const uint RtmgrpLink = 1;

    public const uint IffUp = 0x1;
    public const uint IffRunning = 0x40;
    public const uint IffLowerUp = 0x10000;
}
