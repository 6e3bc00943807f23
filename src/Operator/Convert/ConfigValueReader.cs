using System.Globalization;

namespace KeepOperator.Operator.Convert;

/// <summary>Reads a statement's values as keepalived does, reporting what is missing, invalid or ignored.</summary>
public sealed class ConfigValueReader(Diagnostics diagnostics)
{
    public Diagnostics Diagnostics { get; } = diagnostics;

    /// <summary>The first word after the keyword; more words are reported and ignored (keepalived reads only the first).</summary>
    public string? Word(ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Args.Count == 0)
        {
            Diagnostics.Error(node.Location, $"{node.Keyword}: missing value");
            return null;
        }

        IgnoreExtraWords(node, 1);
        return node.Args[0];
    }

    public int? Integer(ConfigNode node, int min, int max)
    {
        var text = Word(node);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Diagnostics.Error(node.Location, $"{node.Keyword}: expected a whole number from {min} to {max}, got \"{text}\"");
            return null;
        }

        return value;
    }

    /// <summary>A keepalived time in seconds (decimals allowed, as its read_timer) as a Go duration ("1s", "500ms").</summary>
    public string? Seconds(ConfigNode node, decimal max)
    {
        var text = Word(node);
        if (text is null)
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > max)
        {
            Diagnostics.Error(node.Location, $"{node.Keyword}: expected seconds from 0 to {max}, got \"{text}\"");
            return null;
        }

        return KeepOperator.Api.GoDuration.Format(TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond)));
    }

    public void IgnoreExtraWords(ConfigNode node, int used)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Args.Count > used)
        {
            var after = used == 0 ? node.Keyword : node.Args[used - 1];
            var reads = used == 0 ? "takes no value" : $"reads only {Plural(used, "word")} here";
            Diagnostics.Warning(node.Location, $"{node.Keyword}: ignored the words after \"{after}\" (keepalived {reads}): {string.Join(' ', node.Args.Skip(used))}");
        }
    }

    /// <summary>A statement that is read but has no KeepOperator equivalent, with why and what to do instead.</summary>
    public void NotConverted(ConfigNode node, string why)
    {
        ArgumentNullException.ThrowIfNull(node);
        Diagnostics.Warning(node.Location, $"{node.Keyword}: not converted: {why}");
    }

    /// <summary>A keyword this block does not know (a typo, or a keepalived feature the converter does not cover).</summary>
    public void Unknown(ConfigNode node, string block)
    {
        ArgumentNullException.ThrowIfNull(node);
        Diagnostics.Warning(node.Location, $"{node.Keyword}: unknown or unsupported keyword in {block}: ignored");
    }

    private static string Plural(int count, string noun) => count == 1 ? $"one {noun}" : $"{count} {noun}s";
}
