namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>IP_VS_STATE_MASTER / IP_VS_STATE_BACKUP: which of the kernel's two sync daemons.</summary>
public enum IpvsSyncRole
{
    /// <summary>Multicasts this director's connection table.</summary>
    Master = 1,

    /// <summary>Receives another director's table into this one.</summary>
    Backup = 2,
}
