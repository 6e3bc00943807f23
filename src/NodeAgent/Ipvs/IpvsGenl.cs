namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>Values from include/uapi/linux/ip_vs.h for the "IPVS" generic netlink family.</summary>
public static class IpvsGenl
{
    public const string FamilyName = "IPVS";
    public const byte Version = 1;

    public const byte CmdNewService = 1;
    public const byte CmdSetService = 2;
    public const byte CmdDelService = 3;
    public const byte CmdGetService = 4;
    public const byte CmdNewDest = 5;
    public const byte CmdSetDest = 6;
    public const byte CmdDelDest = 7;
    public const byte CmdGetDest = 8;
    public const byte CmdNewDaemon = 9;
    public const byte CmdDelDaemon = 10;
    public const byte CmdGetDaemon = 11;
    public const byte CmdSetInfo = 14;
    public const byte CmdGetInfo = 15;
    public const byte CmdZero = 16;
    public const byte CmdFlush = 17;

    public const ushort CmdAttrService = 1;
    public const ushort CmdAttrDest = 2;
    public const ushort CmdAttrDaemon = 3;

    public const ushort SvcAttrAf = 1;
    public const ushort SvcAttrProtocol = 2;
    public const ushort SvcAttrAddr = 3;
    public const ushort SvcAttrPort = 4;
    public const ushort SvcAttrFwmark = 5;
    public const ushort SvcAttrSchedName = 6;
    public const ushort SvcAttrFlags = 7;
    public const ushort SvcAttrTimeout = 8;
    public const ushort SvcAttrNetmask = 9;
    public const ushort SvcAttrStats = 10;
    public const ushort SvcAttrPeName = 11;
    public const ushort SvcAttrStats64 = 12;

    public const ushort DestAttrAddr = 1;
    public const ushort DestAttrPort = 2;
    public const ushort DestAttrFwdMethod = 3;
    public const ushort DestAttrWeight = 4;
    public const ushort DestAttrUThresh = 5;
    public const ushort DestAttrLThresh = 6;
    public const ushort DestAttrActiveConns = 7;
    public const ushort DestAttrInactConns = 8;
    public const ushort DestAttrPersistConns = 9;
    public const ushort DestAttrStats = 10;
    public const ushort DestAttrAddrFamily = 11;
    public const ushort DestAttrStats64 = 12;
    public const ushort DestAttrTunType = 13;
    public const ushort DestAttrTunPort = 14;
    public const ushort DestAttrTunFlags = 15;

    public const ushort DaemonAttrState = 1;
    public const ushort DaemonAttrMcastIfn = 2;
    public const ushort DaemonAttrSyncId = 3;
    public const ushort DaemonAttrSyncMaxLen = 4;

    /// <summary>IP_VS_IFNAME_MAXLEN, terminating NUL included.</summary>
    public const int InterfaceNameMaxLength = 16;

    /// <summary>IP_VS_CONN_F_FWD_MASK.</summary>
    public const uint ConnFwdMask = 0x0007;

    /// <summary>sizeof(union nf_inet_addr): addresses travel as 16 bytes, IPv4 in the first four.</summary>
    public const int AddressLength = 16;

    /// <summary>IP_VS_SCHEDNAME_MAXLEN / IP_VS_PENAME_MAXLEN, terminating NUL included.</summary>
    public const int NameMaxLength = 16;
}
