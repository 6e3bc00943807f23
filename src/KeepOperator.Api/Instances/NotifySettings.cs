namespace KeepOperator.Api.Instances;

/// <summary>Notify scripts resolved: each command line split into argv (program first), the timeout applied.</summary>
public sealed record NotifySettings
{
    public IReadOnlyList<string>? Master { get; init; }

    public IReadOnlyList<string>? Backup { get; init; }

    public IReadOnlyList<string>? Fault { get; init; }

    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Run on every transition with "INSTANCE name STATE priority" appended.</summary>
    public IReadOnlyList<string>? Any { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>Records compare lists by reference; a reload must tell whether the scripts really changed.</summary>
    public bool SameAs(NotifySettings? other) =>
        other is not null
        && Same(Master, other.Master) && Same(Backup, other.Backup) && Same(Fault, other.Fault)
        && Same(Stop, other.Stop) && Same(Any, other.Any) && Timeout == other.Timeout;

    private static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
}
