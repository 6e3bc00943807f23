using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// A labelSelector: comma-separated requirements <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>,
/// <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>, <c>k&gt;n</c>, <c>k&lt;n</c>. An empty selector matches everything.
/// </summary>
public sealed class LabelSelector
{
    private enum Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist, Greater, Less }

    private sealed record Requirement(string Key, Op Op, IReadOnlyList<string> Values);

    private readonly List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) => this.requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => requirements.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var reqs = new List<Requirement>();
        var pos = 0;
        while (true)
        {
            SkipSpaces(text, ref pos);
            if (pos >= text.Length)
            {
                break;
            }

            reqs.Add(ParseRequirement(text, ref pos));
            SkipSpaces(text, ref pos);
            if (pos >= text.Length)
            {
                break;
            }

            if (text[pos] != ',')
            {
                throw Bad(text, $"expected ',' at position {pos}");
            }

            pos++;
        }

        return new LabelSelector(reqs);
    }

    public bool Matches(JsonObject? labels)
    {
        foreach (var r in requirements)
        {
            var has = labels != null && labels.TryGetPropertyValue(r.Key, out var node) && node != null;
            var value = has ? Json.ScalarText(labels![r.Key]) : null;
            var ok = r.Op switch
            {
                Op.Exists => has,
                Op.DoesNotExist => !has,
                Op.Equals or Op.In => has && r.Values.Contains(value!),
                Op.NotEquals or Op.NotIn => !has || !r.Values.Contains(value!),
                Op.Greater => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) && g > long.Parse(r.Values[0], CultureInfo.InvariantCulture),
                Op.Less => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && l < long.Parse(r.Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static Requirement ParseRequirement(string s, ref int pos)
    {
        if (s[pos] == '!')
        {
            pos++;
            SkipSpaces(s, ref pos);
            return new Requirement(ReadKey(s, ref pos), Op.DoesNotExist, []);
        }

        var key = ReadKey(s, ref pos);
        SkipSpaces(s, ref pos);
        if (pos >= s.Length || s[pos] == ',')
        {
            return new Requirement(key, Op.Exists, []);
        }

        if (Take(s, ref pos, "==") || Take(s, ref pos, "="))
        {
            return new Requirement(key, Op.Equals, [ReadValue(s, ref pos)]);
        }

        if (Take(s, ref pos, "!="))
        {
            return new Requirement(key, Op.NotEquals, [ReadValue(s, ref pos)]);
        }

        if (Take(s, ref pos, ">"))
        {
            return Numeric(s, key, Op.Greater, ReadValue(s, ref pos));
        }

        if (Take(s, ref pos, "<"))
        {
            return Numeric(s, key, Op.Less, ReadValue(s, ref pos));
        }

        var word = ReadKey(s, ref pos);
        var op = word switch
        {
            "in" => Op.In,
            "notin" => Op.NotIn,
            _ => throw Bad(s, $"unknown operator \"{word}\""),
        };
        SkipSpaces(s, ref pos);
        if (pos >= s.Length || s[pos] != '(')
        {
            throw Bad(s, "expected '(' after set operator");
        }

        var close = s.IndexOf(')', pos);
        if (close < 0)
        {
            throw Bad(s, "missing ')'");
        }

        var values = s[(pos + 1)..close].Split(',').Select(v => v.Trim()).ToList();
        pos = close + 1;
        return new Requirement(key, op, values);
    }

    private static Requirement Numeric(string s, string key, Op op, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? new Requirement(key, op, [value])
            : throw Bad(s, $"for 'Gt', 'Lt' operators, the value must be an integer: {value}");

    private static string ReadKey(string s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && !char.IsWhiteSpace(s[pos]) && s[pos] is not (',' or '=' or '!' or '(' or ')' or '<' or '>'))
        {
            pos++;
        }

        if (pos == start)
        {
            throw Bad(s, $"expected a label key at position {start}");
        }

        return s[start..pos];
    }

    private static string ReadValue(string s, ref int pos)
    {
        SkipSpaces(s, ref pos);
        var start = pos;
        while (pos < s.Length && !char.IsWhiteSpace(s[pos]) && s[pos] != ',')
        {
            pos++;
        }

        return s[start..pos];
    }

    private static bool Take(string s, ref int pos, string token)
    {
        if (string.CompareOrdinal(s, pos, token, 0, token.Length) == 0)
        {
            pos += token.Length;
            return true;
        }

        return false;
    }

    private static void SkipSpaces(string s, ref int pos)
    {
        while (pos < s.Length && char.IsWhiteSpace(s[pos]))
        {
            pos++;
        }
    }

    private static ApiError Bad(string s, string why) => ApiError.BadRequest($"unable to parse requirement: {why} (selector \"{s}\")");
}

/// <summary>
/// A fieldSelector: comma-separated <c>path=value</c>, <c>path==value</c>, <c>path!=value</c> over any dotted field
/// path of the object (metadata.name, metadata.namespace, involvedObject.*, spec.nodeName, status.phase...).
/// A missing field compares as the empty string; backslash escapes ',', '=', '!' and itself.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string Path, bool Equal, string Value)> terms;

    private FieldSelector(List<(string, bool, string)> terms) => this.terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEmpty => terms.Count == 0;

    /// <summary>The name a <c>metadata.name=x</c> term pins, if any (to answer single-object watches cheaply).</summary>
    public string? PinnedName => terms.FirstOrDefault(t => t.Path == "metadata.name" && t.Equal).Value;

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var part in SplitUnescaped(text, ','))
        {
            if (part.Length == 0)
            {
                continue;
            }

            string path;
            string value;
            bool equal;
            var ne = IndexUnescaped(part, "!=");
            if (ne >= 0)
            {
                path = part[..ne];
                value = part[(ne + 2)..];
                equal = false;
            }
            else
            {
                var eq = IndexUnescaped(part, "==");
                var len = 2;
                if (eq < 0)
                {
                    eq = IndexUnescaped(part, "=");
                    len = 1;
                }

                if (eq < 0)
                {
                    throw ApiError.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
                }

                path = part[..eq];
                value = part[(eq + len)..];
                equal = true;
            }

            terms.Add((Unescape(path.Trim()), equal, Unescape(value.Trim())));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, equal, value) in terms)
        {
            var actual = Json.ScalarText(Json.At(obj, path));
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> SplitUnescaped(string s, char sep)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                sb.Append(s[i]).Append(s[i + 1]);
                i++;
            }
            else if (s[i] == sep)
            {
                yield return sb.ToString();
                sb.Clear();
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        yield return sb.ToString();
    }

    private static int IndexUnescaped(string s, string token)
    {
        for (var i = 0; i <= s.Length - token.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
                continue;
            }

            if (string.CompareOrdinal(s, i, token, 0, token.Length) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }

            sb.Append(s[i]);
        }

        return sb.ToString();
    }
}
