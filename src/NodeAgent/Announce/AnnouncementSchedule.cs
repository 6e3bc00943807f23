using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// When a new master announces its addresses, keepalived's way: a burst of <c>Repeat</c> announcements at once
/// (garp_master_repeat), a second burst after <c>Delay</c> (garp_master_delay) for switches that missed the first,
/// then one burst every <c>Refresh</c> (garp_master_refresh) when that is set. Pure: the host asks when the next
/// burst is due and advances after sending it.
/// </summary>
public readonly record struct AnnouncementSchedule(GratuitousArpSettings Policy, int BurstsSent, DateTimeOffset? NextDue)
{
    public static AnnouncementSchedule Begin(GratuitousArpSettings policy, DateTimeOffset now) => new(policy, 0, now);

    public static AnnouncementSchedule Idle(GratuitousArpSettings policy) => new(policy, 0, null);

    public bool IsDue(DateTimeOffset now) => NextDue is { } due && due <= now;

    /// <summary>The schedule after a burst was sent at <paramref name="now"/>.</summary>
    public AnnouncementSchedule Advance(DateTimeOffset now)
    {
        int sent = BurstsSent + 1;
        DateTimeOffset? next = sent == 1 && Policy.Delay > TimeSpan.Zero ? now + Policy.Delay
            : Policy.RefreshInterval > TimeSpan.Zero ? now + Policy.RefreshInterval
            : null;
        return this with { BurstsSent = sent, NextDue = next };
    }
}
