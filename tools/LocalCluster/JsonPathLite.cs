using System.Text;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*]</c> (then <c>.b</c> on each),
/// <c>['key']</c>, escaped dots <c>a\.b</c>, optional surrounding braces, and filters comparing a relative path with a
/// literal, <c>[?(@.type=="Ready")]</c> (<c>==</c> or <c>!=</c>; string, number or boolean), as Ready columns use.
/// </summary>
public static class JsonPathLite
{
    private abstract record Step;

    private sealed record Field(string Name) : Step;

    private sealed record Index(int Position) : Step;

    private sealed record All : Step;

    private sealed record Filter(IReadOnlyList<Step> Path, bool Equal, JsonNode? Literal) : Step;

    /// <summary>A filter this subset cannot evaluate: it matches nothing, so the cell is empty rather than wrong.</summary>
    private sealed record NoMatch : Step;

    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode? root, string path) => Follow(root, Parse(path));

    private static List<JsonNode?> Follow(JsonNode? root, IEnumerable<Step> steps)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var step in steps)
        {
            current = current.SelectMany(n => Apply(n, step)).ToList();
        }

        return current.ToList();
    }

    private static IEnumerable<JsonNode?> Apply(JsonNode? node, Step step)
    {
        switch (step)
        {
            case Field f when node is JsonObject o && o.TryGetPropertyValue(f.Name, out var child):
                yield return child;
                break;
            case Index i when node is JsonArray a:
                {
                    var idx = i.Position < 0 ? a.Count + i.Position : i.Position;
                    if (idx >= 0 && idx < a.Count)
                    {
                        yield return a[idx];
                    }

                    break;
                }

            case All when node is JsonArray a:
                foreach (var item in a)
                {
                    yield return item;
                }

                break;
            case All when node is JsonObject o:
                foreach (var (_, v) in o)
                {
                    yield return v;
                }

                break;
            case Filter f when node is JsonArray a:
                foreach (var item in a)
                {
                    if (Follow(item, f.Path).Any(v => JsonNode.DeepEquals(v, f.Literal)) == f.Equal)
                    {
                        yield return item;
                    }
                }

                break;
        }
    }

    private static List<Step> Parse(string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1].Trim();
        }

        if (p.StartsWith('$'))
        {
            p = p[1..];
        }

        var steps = new List<Step>();
        var i = 0;
        while (i < p.Length)
        {
            if (p[i] == '.')
            {
                i++;
                continue;
            }

            if (p[i] == '[')
            {
                var filter = p.AsSpan(i).StartsWith("[?(", StringComparison.Ordinal);
                var close = filter ? p.IndexOf(")]", i, StringComparison.Ordinal) + 1 : p.IndexOf(']', i);
                if (close <= 0)
                {
                    break;
                }

                var inner = p[(i + 1)..close].Trim();
                i = close + 1;
                if (filter)
                {
                    steps.Add(ParseFilter(inner[2..^1]) ?? (Step)new NoMatch());
                }
                else if (inner == "*")
                {
                    steps.Add(new All());
                }
                else if (inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"'))
                {
                    steps.Add(new Field(inner[1..^1]));
                }
                else if (int.TryParse(inner, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
                {
                    steps.Add(new Index(n));
                }

                continue;
            }

            var sb = new StringBuilder();
            while (i < p.Length && p[i] != '.' && p[i] != '[')
            {
                if (p[i] == '\\' && i + 1 < p.Length)
                {
                    i++;
                }

                sb.Append(p[i]);
                i++;
            }

            steps.Add(sb.ToString() == "*" ? new All() : new Field(sb.ToString()));
        }

        return steps;
    }

    /// <summary>"@.type==\"Ready\"" to a filter; null when it is not a comparison of a relative path with a literal.</summary>
    private static Filter? ParseFilter(string expression)
    {
        var equal = expression.IndexOf("==", StringComparison.Ordinal);
        var notEqual = expression.IndexOf("!=", StringComparison.Ordinal);
        var at = equal >= 0 ? equal : notEqual;
        var left = at < 0 ? string.Empty : expression[..at].Trim();
        if (!left.StartsWith('@'))
        {
            return null;
        }

        var right = expression[(at + 2)..].Trim();
        JsonNode? literal;
        if (right.Length >= 2 && (right[0] is '"' or '\'') && right[^1] == right[0])
        {
            literal = JsonValue.Create(right[1..^1]);
        }
        else
        {
            try
            {
                literal = JsonNode.Parse(right);
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        return new Filter(Parse(left[1..]), equal >= 0, literal);
    }
}
