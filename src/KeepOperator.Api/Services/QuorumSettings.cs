namespace KeepOperator.Api.Services;

/// <summary>keepalived's quorum and hysteresis: the healthy weight a virtual server needs, defaults applied.</summary>
public sealed record QuorumSettings(int Minimum, int Hysteresis)
{
    /// <summary>Minimum 1 (so "no healthy real server" is below it), no hysteresis.</summary>
    public static QuorumSettings Default { get; } = new(1, 0);
}
