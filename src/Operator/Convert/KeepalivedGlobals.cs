namespace KeepOperator.Operator.Convert;

/// <summary>What a file's global_defs contributes: the node's name and the defaults of its vrrp_instances.</summary>
public sealed record KeepalivedGlobals(string? RouterId, int? VrrpVersion, string? GarpDelay, int? GarpRepeat, string? GarpRefresh)
{
    public static KeepalivedGlobals None { get; } = new(null, null, null, null, null);
}
