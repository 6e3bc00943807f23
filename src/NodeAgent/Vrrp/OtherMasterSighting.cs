using System.Net;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// Pure: the last other master a Master heard for its VRID while master (one per instance: bounded; forgotten when it
/// stops being master). It goes into the status only once confirmed, heard again <see cref="Persistence"/> or more after
/// its first advert: a preemption or a healed
/// partition shows one stray advert, answered at once by the winner's, and is no split brain (the lab's crash loop
/// would otherwise read Ready=False for half a minute after each preemption). Reported while fresh, gone after
/// <see cref="MaxAge"/> of silence, refreshed every <see cref="RefreshAfter"/> while it lasts.
/// </summary>
public sealed record OtherMasterSighting(IPAddress Source, DateTimeOffset FirstHeard, DateTimeOffset LastHeard, DateTimeOffset Reported)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Persistence = TimeSpan.FromMilliseconds(500);

    /// <summary>Still advertising as master well after this node's answer should have made it step down.</summary>
    public bool IsConfirmed => LastHeard - FirstHeard >= Persistence;

    /// <summary>
    /// The sighting after one more advert from <paramref name="source"/>, and whether to log it and report the status
    /// again: a new source, its confirmation, and then every <see cref="RefreshAfter"/>.
    /// </summary>
    public static (OtherMasterSighting Sighting, bool Report) Heard(OtherMasterSighting? previous, IPAddress source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (previous is null || !previous.Source.Equals(source) || !previous.IsCurrent(now))
        {
            return (new OtherMasterSighting(source, now, now, now), true);
        }

        var next = previous with { LastHeard = now };
        return (next.IsConfirmed && !previous.IsConfirmed) || now - previous.Reported >= RefreshAfter ? (next with { Reported = now }, true) : (next, false);
    }

    public bool IsCurrent(DateTimeOffset now) => now - LastHeard <= MaxAge;
}
