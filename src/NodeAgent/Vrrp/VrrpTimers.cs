using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// The VRRP timer rule, in one place.
/// <list type="bullet">
/// <item>v3 (RFC 5798 6.1): Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256, where
/// Master_Adver_Interval is the interval advertised by the current master (our own configured interval until
/// we hear one).</item>
/// <item>v2 (RFC 3768 6.1): Skew_Time = (256 - Priority) / 256 seconds, and Master_Adver_Interval is always the
/// configured advertisement interval (v2 routers must agree on it; mismatches are dropped on receive).</item>
/// <item>Both: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.</item>
/// </list>
/// Priority is the EFFECTIVE priority (after tracking). Results are exact to the 100 ns tick (truncated).
/// </summary>
public static class VrrpTimers
{
    /// <summary>Skew_Time for a router of this version and effective priority (0 is allowed and gives the largest skew).</summary>
    public static TimeSpan SkewTime(VrrpVersion version, byte priority, TimeSpan masterAdvertInterval)
    {
        long factor = 256 - priority;
        return version == VrrpVersion.V2
            ? TimeSpan.FromTicks(factor * TimeSpan.TicksPerSecond / 256)
            : TimeSpan.FromTicks(factor * masterAdvertInterval.Ticks / 256);
    }

    /// <summary>Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.</summary>
    public static TimeSpan MasterDownInterval(VrrpVersion version, byte priority, TimeSpan masterAdvertInterval) =>
        TimeSpan.FromTicks((3 * masterAdvertInterval.Ticks) + SkewTime(version, priority, masterAdvertInterval).Ticks);

    /// <summary>
    /// The Master_Adver_Interval to use after accepting an advertisement that carries
    /// <paramref name="advertised"/>: v3 adopts the master's interval (RFC 5798 6.4.2), v2 keeps the configured one.
    /// A non-positive advertised interval is ignored.
    /// </summary>
    public static TimeSpan AdoptMasterAdvertInterval(VrrpVersion version, TimeSpan configured, TimeSpan current, TimeSpan advertised) =>
        version == VrrpVersion.V2 ? configured
        : advertised > TimeSpan.Zero ? advertised
        : current;
}
