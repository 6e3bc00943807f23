using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>
/// What a file's global_defs contributes: the node's name, the defaults of its vrrp_instances, and the instance the
/// IPVS sync daemons follow (lvs_sync_daemon).
/// </summary>
public sealed record KeepalivedGlobals(string? RouterId, int? VrrpVersion, string? GarpDelay, int? GarpRepeat, string? GarpRefresh)
{
    public static KeepalivedGlobals None { get; } = new(null, null, null, null, null);

    public (string Instance, ConnectionSync Sync, SourceLocation Location)? LvsSyncDaemon { get; init; }
}
