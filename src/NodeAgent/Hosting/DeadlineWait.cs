using System.Runtime.InteropServices;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// The agent loop's wait: for a posted event or until a deadline. A WaitHandle's timeout is whole milliseconds, and
/// rounding it up made a Master_Down_Timer fire up to 1 ms late (0.5 ms on average, beside keepalived's timerfd at
/// 0.2 ms). So the whole milliseconds are waited on the handle and the last fraction is slept with nanosleep, which
/// no event interrupts but which lasts under a millisecond.
/// </summary>
internal static partial class DeadlineWait
{
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    /// <summary>Returns when <paramref name="wake"/> is set (if more than a millisecond remains) or the time has passed.</summary>
    public static void For(WaitHandle wake, TimeSpan? remaining)
    {
        if (remaining is not { } left)
        {
            wake.WaitOne();
        }
        else if (left >= OneMillisecond)
        {
            wake.WaitOne(TimeSpan.FromMilliseconds(Math.Floor(left.TotalMilliseconds)));
        }
        else if (left > TimeSpan.Zero)
        {
            var request = new Timespec { Seconds = 0, Nanoseconds = left.Ticks * 100 };
            _ = NanoSleep(in request, out _);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in Timespec request, out Timespec remaining);
}
