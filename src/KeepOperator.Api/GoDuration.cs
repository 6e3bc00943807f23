using System.Globalization;
using System.Text;

namespace KeepOperator.Api;

/// <summary>
/// Go's <c>time.Duration</c> text form, as Kubernetes uses it (metav1.Duration): "1s", "50ms", "1m30s", "1.5s", "-2h".
/// Grammar of Go's <c>time.ParseDuration</c>: an optional sign, then one or more decimal numbers, each with an optional
/// fraction and a unit ("ns", "us"/"µs"/"μs", "ms", "s", "m", "h"); "0" alone needs no unit.
/// Values are limited to Go's range (±2^63 ns); <see cref="TimeSpan"/> keeps 100 ns ticks, so finer parts are truncated.
/// </summary>
public static class GoDuration
{
    private const decimal MaxNanoseconds = 9_223_372_036_854_775_808m; // 1 << 63

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var intLength = CountDigits(s);
            var intDigits = s[..intLength];
            s = s[intLength..];

            var fracDigits = ReadOnlySpan<char>.Empty;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var fracLength = CountDigits(s);
                fracDigits = s[..fracLength];
                s = s[fracLength..];
            }

            if (intDigits.IsEmpty && fracDigits.IsEmpty)
            {
                return false; // no digits (e.g. ".s" or "s")
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                return false; // missing unit
            }

            var unitNanoseconds = UnitNanoseconds(s[..unitLength]);
            if (unitNanoseconds == 0)
            {
                return false; // unknown unit
            }

            s = s[unitLength..];

            // Go refuses integer parts that overflow int64 before scaling.
            intDigits = intDigits.TrimStart('0');
            if (intDigits.Length > 19)
            {
                return false;
            }

            decimal number = intDigits.IsEmpty ? 0 : decimal.Parse(intDigits, NumberStyles.None, CultureInfo.InvariantCulture);
            if (!fracDigits.IsEmpty)
            {
                var kept = fracDigits[..Math.Min(fracDigits.Length, 20)];
                number += decimal.Parse(kept, NumberStyles.None, CultureInfo.InvariantCulture) / Pow10(kept.Length);
            }

            if (number > MaxNanoseconds)
            {
                return false;
            }

            total += number * unitNanoseconds;
            if (total > MaxNanoseconds)
            {
                return false;
            }
        }

        if (!negative && total >= MaxNanoseconds)
        {
            return false;
        }

        var ticks = (long)(decimal.Truncate(total) / 100m);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <exception cref="FormatException">Not a Go duration.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"\"{text}\" is not a duration (examples: \"1s\", \"50ms\", \"1m30s\")");

    /// <summary>Go's <c>Duration.String()</c>: "1h2m3.5s", "1.5s", "50ms", "1µs", "0s".</summary>
    public static string Format(TimeSpan value)
    {
        var negative = value.Ticks < 0;
        var u = negative ? (ulong)(-(value.Ticks + 1)) + 1 : (ulong)value.Ticks;
        u *= 100; // nanoseconds (TimeSpan's range is beyond Go's; those values wrap as Go's would never produce)

        var sb = new StringBuilder();
        if (u < 1_000_000_000UL)
        {
            if (u == 0)
            {
                return "0s";
            }

            string unit;
            int precision;
            if (u < 1_000UL)
            {
                unit = "ns";
                precision = 0;
            }
            else if (u < 1_000_000UL)
            {
                unit = "µs";
                precision = 3;
            }
            else
            {
                unit = "ms";
                precision = 6;
            }

            var (whole, fraction) = SplitFraction(u, precision);
            sb.Append(whole.ToString(CultureInfo.InvariantCulture)).Append(fraction).Append(unit);
        }
        else
        {
            var (seconds, fraction) = SplitFraction(u, 9);
            var parts = new StringBuilder();
            parts.Append((seconds % 60).ToString(CultureInfo.InvariantCulture)).Append(fraction).Append('s');
            var minutes = seconds / 60;
            if (minutes > 0)
            {
                parts.Insert(0, (minutes % 60).ToString(CultureInfo.InvariantCulture) + "m");
                var hours = minutes / 60;
                if (hours > 0)
                {
                    parts.Insert(0, hours.ToString(CultureInfo.InvariantCulture) + "h");
                }
            }

            sb.Append(parts);
        }

        if (negative)
        {
            sb.Insert(0, '-');
        }

        return sb.ToString();
    }

    private static (ulong Whole, string Fraction) SplitFraction(ulong value, int precision)
    {
        var scale = 1UL;
        for (var i = 0; i < precision; i++)
        {
            scale *= 10;
        }

        var whole = value / scale;
        var rest = value % scale;
        if (rest == 0)
        {
            return (whole, "");
        }

        var digits = rest.ToString(CultureInfo.InvariantCulture).PadLeft(precision, '0').TrimEnd('0');
        return (whole, "." + digits);
    }

    private static int CountDigits(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i;
    }

    private static decimal Pow10(int n)
    {
        decimal result = 1;
        for (var i = 0; i < n; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static decimal UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m,
        "us" or "\u00b5s" or "\u03bcs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => 0m,
    };
}
