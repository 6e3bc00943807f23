namespace KeepOperator.Api.Instances;

/// <summary>One tracked interface, defaults applied (keepalived's track_interface).</summary>
/// <param name="Weight">Negative: subtracted while down; positive: added while up; 0: down means FAULT.</param>
public sealed record TrackInterfaceSettings(string Name, int Weight);
