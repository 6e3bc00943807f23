using System.Net;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// Pure: the last other master a Master heard for its VRID (one per instance: bounded). Reported while fresh, gone
/// after <see cref="MaxAge"/> of silence; the report is refreshed every <see cref="RefreshAfter"/> while it lasts, so
/// a split that goes on does not age out of the status while it is still heard.
/// </summary>
public sealed record OtherMasterSighting(IPAddress Source, DateTimeOffset LastHeard, DateTimeOffset Reported)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(5);

    /// <summary>The sighting after one more advert from <paramref name="source"/>, and whether the status should be reported again.</summary>
    public static (OtherMasterSighting Sighting, bool Report) Heard(OtherMasterSighting? previous, IPAddress source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (previous is not null && previous.Source.Equals(source) && now - previous.Reported < RefreshAfter && previous.IsCurrent(now))
        {
            return (previous with { LastHeard = now }, false);
        }
        return (new OtherMasterSighting(source, now, now), true);
    }

    public bool IsCurrent(DateTimeOffset now) => now - LastHeard <= MaxAge;
}
