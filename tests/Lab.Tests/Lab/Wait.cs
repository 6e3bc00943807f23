using System.Diagnostics;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>Polling with a deadline, timed with <see cref="Stopwatch"/>.</summary>
public static class Wait
{
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds; returns the elapsed time, or null on timeout.</summary>
    public static TimeSpan? Until(Func<bool> condition, TimeSpan timeout, TimeSpan? poll = null)
    {
        var sw = Stopwatch.StartNew();
        return UntilFrom(sw, condition, timeout, poll);
    }

    /// <summary>Polls <paramref name="read"/> until it gives a value, and returns that value, or null on timeout.</summary>
    public static T? ForValue<T>(Func<T?> read, TimeSpan timeout)
        where T : struct
    {
        T? seen = null;
        Until(() => (seen = read()) is not null, timeout);
        return seen;
    }

    /// <summary>Like <see cref="Until"/> but measured from an already running stopwatch (e.g. started at the kill).</summary>
    public static TimeSpan? UntilFrom(Stopwatch sw, Func<bool> condition, TimeSpan timeout, TimeSpan? poll = null)
    {
        var interval = poll ?? DefaultPoll;
        while (true)
        {
            if (condition())
            {
                return sw.Elapsed;
            }

            if (sw.Elapsed > timeout)
            {
                return null;
            }

            Thread.Sleep(interval);
        }
    }

    /// <summary>True if <paramref name="condition"/> holds at every poll for the whole <paramref name="duration"/>.</summary>
    public static bool HoldsFor(Func<bool> condition, TimeSpan duration, TimeSpan? poll = null)
    {
        var sw = Stopwatch.StartNew();
        var interval = poll ?? TimeSpan.FromMilliseconds(100);
        while (sw.Elapsed < duration)
        {
            if (!condition())
            {
                return false;
            }

            Thread.Sleep(interval);
        }

        return condition();
    }
}
