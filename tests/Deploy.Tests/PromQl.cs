using System.Text.RegularExpressions;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// Just enough PromQL reading for the dashboard's tests: the metric names and label names an expression uses. Not a
/// parser: it blanks out what cannot name a metric (strings, matchers, ranges, Grafana variables, grouping clauses)
/// and takes each remaining identifier that is not a function call or a keyword.
/// </summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2",
    };

    /// <summary>The metric names <paramref name="expr"/> selects, as written (a histogram's _bucket series included).</summary>
    public static IReadOnlyList<string> Metrics(string expr)
    {
        var s = Strings().Replace(expr, "\"\"");
        s = Matchers().Replace(s, " ");
        s = Ranges().Replace(s, " ");
        s = GrafanaVariables().Replace(s, " ");
        s = Grouping().Replace(s, " ");
        return [.. Identifiers().Matches(s).Select(m => m.Value).Where(id => !Keywords.Contains(id)).Distinct()];
    }

    /// <summary>The label names <paramref name="expr"/> matches on or groups by.</summary>
    public static IReadOnlyList<string> Labels(string expr)
    {
        var s = Strings().Replace(expr, "\"\"");
        var matched = Matchers().Matches(s).SelectMany(m => MatcherLabel().Matches(m.Value).Select(l => l.Groups["label"].Value));
        var grouped = Grouping().Matches(s).SelectMany(m => m.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return [.. matched.Concat(grouped).Distinct()];
    }

    /// <summary>The labels a legend format (<c>{{vip}} @ {{node}}</c>) prints.</summary>
    public static IReadOnlyList<string> LegendLabels(string legendFormat) =>
        [.. LegendLabel().Matches(legendFormat).Select(m => m.Groups["label"].Value).Distinct()];

    /// <summary>
    /// A Prometheus template-variable query as (expression, label): <c>label_values(EXPR, LABEL)</c>,
    /// <c>label_values(LABEL)</c> or <c>query_result(EXPR)</c>.
    /// </summary>
    public static (string Expr, string? Label) VariableQuery(string query)
    {
        var m = VariableFunction().Match(query.Trim());
        if (!m.Success)
        {
            throw new FormatException("not a Prometheus variable query: " + query);
        }

        var args = m.Groups["args"].Value;
        if (m.Groups["function"].Value == "query_result")
        {
            return (args, null);
        }

        var comma = args.LastIndexOf(',');
        return comma < 0 ? ("", args.Trim()) : (args[..comma], args[(comma + 1)..].Trim());
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"(?<label>[a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\$\{[^}]*\}|\$\w+")]
    private static partial Regex GrafanaVariables();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex Grouping();

    // Whole identifiers only (nothing of one before or after, so "rate(" cannot match as "rat"), not calls, not the
    // exponent or unit of a number (1e3, 5m).
    [GeneratedRegex(@"(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]|\s*\()")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"\{\{\s*(?<label>[a-zA-Z_]\w*)\s*\}\}")]
    private static partial Regex LegendLabel();

    [GeneratedRegex(@"^(?<function>label_values|query_result)\s*\((?<args>.*)\)$", RegexOptions.Singleline)]
    private static partial Regex VariableFunction();
}
