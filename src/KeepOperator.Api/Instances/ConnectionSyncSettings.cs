namespace KeepOperator.Api.Instances;

/// <summary>IPVS connection synchronisation for the instance (keepalived's lvs_sync_daemon), defaults applied.</summary>
/// <param name="Interface">Where the sync daemons send and receive.</param>
/// <param name="SyncId">0-255; 0 accepts any.</param>
/// <param name="MaxPacketLength">Largest sync message payload in bytes; null: the kernel derives it from the MTU.</param>
public sealed record ConnectionSyncSettings(string Interface, int SyncId, int? MaxPacketLength);
