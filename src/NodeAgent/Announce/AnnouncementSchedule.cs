namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// When a new master announces its addresses, keepalived's way: a burst of <c>Repeat</c> announcements at once
/// (garp_master_repeat), a second burst after <c>Delay</c> (garp_master_delay) for switches that missed the first,
/// then one burst every <c>Refresh</c> (garp_master_refresh) when that is set. Pure: the host asks when the next
/// burst is due and advances after sending it.
/// </summary>
public readonly record struct AnnouncementSchedule(AnnouncementPolicy Policy, int BurstsSent, DateTimeOffset? NextDue)
{
    public static AnnouncementSchedule Begin(AnnouncementPolicy policy, DateTimeOffset now) => new(policy, 0, now);

    public static AnnouncementSchedule Idle(AnnouncementPolicy policy) => new(policy, 0, null);

    public bool IsDue(DateTimeOffset now) => NextDue is { } due && due <= now;

    /// <summary>The schedule after a burst was sent at <paramref name="now"/>.</summary>
    public AnnouncementSchedule Advance(DateTimeOffset now)
    {
        int sent = BurstsSent + 1;
        DateTimeOffset? next = sent == 1 && Policy.Delay > TimeSpan.Zero ? now + Policy.Delay
            : Policy.Refresh > TimeSpan.Zero ? now + Policy.Refresh
            : null;
        return this with { BurstsSent = sent, NextDue = next };
    }
}

/// <param name="Repeat">Announcements per address in one burst (keepalived: 5).</param>
/// <param name="Delay">Pause before the second burst (keepalived: 5 s); zero for none.</param>
/// <param name="Refresh">Period of later bursts while master; zero for none (keepalived's default).</param>
public sealed record AnnouncementPolicy(int Repeat, TimeSpan Delay, TimeSpan Refresh)
{
    public static AnnouncementPolicy KeepalivedDefault { get; } = new(5, TimeSpan.FromSeconds(5), TimeSpan.Zero);
}
