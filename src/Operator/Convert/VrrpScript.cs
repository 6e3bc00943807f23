using System.Globalization;
using System.Text;

namespace KeepOperator.Operator.Convert;

/// <summary>A vrrp_script block: read only to describe it, since a script has no KeepOperator equivalent.</summary>
public sealed record VrrpScript(string Name, SourceLocation Location, string? Script, string? Interval, int? Weight, int? Rise, int? Fall)
{
    public static VrrpScript Read(string name, ConfigNode node, ConfigValueReader reader)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(reader);
        string? script = null;
        string? interval = null;
        int? weight = null;
        int? rise = null;
        int? fall = null;
        foreach (var child in node.Block)
        {
            switch (child.Keyword)
            {
                case "script":
                    script = string.Join(' ', child.Args);
                    break;
                case "interval":
                    interval = reader.Seconds(child, 86400);
                    break;
                case "weight":
                    weight = reader.Integer(WithoutReverse(child), -253, 253);
                    break;
                case "rise":
                    rise = reader.Integer(child, 1, 1_000_000);
                    break;
                case "fall":
                    fall = reader.Integer(child, 1, 1_000_000);
                    break;
                default:
                    // timeout, user, init_fail ...: the whole script is reported as not converted where it is used.
                    break;
            }
        }

        return new VrrpScript(name, node.Location, script, interval, weight, rise, fall);
    }

    /// <summary>"weight -20 reverse": the reverse flag is part of the weight statement.</summary>
    public static ConfigNode WithoutReverse(ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Args is [var value, "reverse"] ? node with { Args = [value] } : node;
    }

    /// <summary>e.g. <c>script "/scripts/check_m.sh", interval 1s, weight -20</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Script is not null)
        {
            parts.Add($"script \"{Script}\"");
        }

        if (Interval is not null)
        {
            parts.Add($"interval {Interval}");
        }

        if (Weight is { } w)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"weight {w}"));
        }

        return string.Join(", ", parts);
    }

    /// <summary>The spec.track entry to write by hand: everything but what the script checks.</summary>
    public string TrackSuggestion(int weight)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{{name: {Name}, tcp: {{port: PORT}} | http: {{url: URL}} | pods: {{selector: ...}}, weight: {weight}");
        if (Interval is not null)
        {
            sb.Append(", interval: ").Append(Interval);
        }

        if (Rise is { } r)
        {
            sb.Append(CultureInfo.InvariantCulture, $", rise: {r}");
        }

        if (Fall is { } f)
        {
            sb.Append(CultureInfo.InvariantCulture, $", fall: {f}");
        }

        return sb.Append('}').ToString();
    }
}
