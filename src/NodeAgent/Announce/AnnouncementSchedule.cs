using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// When a new master announces its addresses, keepalived's way: a burst of <c>Repeat</c> announcements at once
/// (garp_master_repeat), a second burst after <c>Delay</c> (garp_master_delay) for switches that missed the first,
/// then one burst every <c>Refresh</c> (garp_master_refresh) when that is set. A contested announcement (another
/// host claimed the addresses: a transient master, or a foreign ARP) adds follow-up bursts first, so the last word
/// neighbours hear is ours even if the claimant's own burst reached them after our answer or ours was lost. Pure: the
/// host asks when the next burst is due and advances after sending it.
/// </summary>
public readonly record struct AnnouncementSchedule(GratuitousArpSettings Policy, int BurstsSent, DateTimeOffset? NextDue, bool Contested = false)
{
    /// <summary>
    /// The waits before a contested announcement's follow-up bursts: the first once the claimant has had time to
    /// yield (the chaos soak saw a transient master's gratuitous ARPs land after the real master's answer and hold
    /// the client for 4.3 s), the second in case that one was lost too.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> ContestFollowUps = [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(750)];

    public static AnnouncementSchedule Begin(GratuitousArpSettings policy, DateTimeOffset now) => new(policy, 0, now);

    /// <summary>An announcement in answer to another host's claim: <see cref="ContestFollowUps"/>, then as <see cref="Begin"/>.</summary>
    public static AnnouncementSchedule Contest(GratuitousArpSettings policy, DateTimeOffset now) => new(policy, 0, now, Contested: true);

    public static AnnouncementSchedule Idle(GratuitousArpSettings policy) => new(policy, 0, null);

    public bool IsDue(DateTimeOffset now) => NextDue is { } due && due <= now;

    /// <summary>The schedule after a burst was sent at <paramref name="now"/>.</summary>
    public AnnouncementSchedule Advance(DateTimeOffset now)
    {
        int sent = BurstsSent + 1;
        if (Contested && sent <= ContestFollowUps.Count)
        {
            return this with { BurstsSent = sent, NextDue = now + ContestFollowUps[sent - 1] };
        }

        int ordinary = Contested ? sent - ContestFollowUps.Count : sent;
        DateTimeOffset? next = ordinary == 1 && Policy.Delay > TimeSpan.Zero ? now + Policy.Delay
            : Policy.RefreshInterval > TimeSpan.Zero ? now + Policy.RefreshInterval
            : null;
        return this with { BurstsSent = sent, NextDue = next };
    }
}
