using System.Globalization;
using System.Text;

namespace KeepOperator.NodeAgent.Metrics;

/// <summary>
/// Prometheus' text exposition format 0.0.4: per metric a HELP and a TYPE line, then its samples, one a line
/// (<c>name{label="value",...} number</c>). Label sets are rendered once (<see cref="Labels"/>) and reused by every scrape.
/// </summary>
public sealed class ExpositionWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    /// <summary>A rendered label set, "{a="x",b="y"}", values escaped; empty for none.</summary>
    public static string Labels(params (string Name, string Value)[] labels)
    {
        if (labels.Length == 0)
        {
            return "";
        }
        var text = new StringBuilder("{");
        foreach (var (name, value) in labels)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            text.Append(name).Append("=\"").Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
        }
        return text.Append('}').ToString();
    }

    /// <summary>Starts a metric: its HELP (backslashes and newlines escaped) and TYPE lines.</summary>
    public void Family(string name, string type, string help) =>
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    public void Sample(string name, string labels, double value) =>
        _text.Append(name).Append(labels).Append(' ').Append(Number(value)).Append('\n');

    public override string ToString() => _text.ToString();

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString(CultureInfo.InvariantCulture), // the shortest text that reads back as the same double
    };
}
