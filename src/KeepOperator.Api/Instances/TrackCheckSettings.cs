namespace KeepOperator.Api.Instances;

/// <summary>One tracked check the agent probes itself, defaults applied (keepalived's vrrp_script + track_script semantics).</summary>
/// <param name="Weight">Negative: subtracted while failing; positive: added while OK; 0: failing means FAULT.</param>
public sealed record TrackCheckSettings(
    string Name,
    TrackTarget Target,
    int Weight,
    TimeSpan Interval,
    TimeSpan Timeout,
    int Rise,
    int Fall);
