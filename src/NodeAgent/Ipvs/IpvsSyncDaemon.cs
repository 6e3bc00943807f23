namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>One running (or wanted) IPVS connection sync daemon, as IPVS_CMD_NEW_DAEMON carries it.</summary>
/// <param name="Role">Master or backup.</param>
/// <param name="Interface">The multicast interface (IPVS_DAEMON_ATTR_MCAST_IFN).</param>
/// <param name="SyncId">IPVS_DAEMON_ATTR_SYNC_ID.</param>
/// <param name="MaxPacketLength">IPVS_DAEMON_ATTR_SYNC_MAXLEN; null: not sent, the kernel's choice.</param>
public sealed record IpvsSyncDaemon(IpvsSyncRole Role, string Interface, byte SyncId, ushort? MaxPacketLength = null);
