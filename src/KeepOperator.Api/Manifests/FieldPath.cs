using System.Text;
using System.Text.Json;

namespace KeepOperator.Api.Manifests;

/// <summary>Field paths as the errors print them: "spec.priorities[0].priority", "metadata.labels[\"app.kubernetes.io/name\"]".</summary>
internal static class FieldPath
{
    public static string Member(string parent, string name)
    {
        if (IsSimple(name))
        {
            return parent.Length == 0 ? name : parent + "." + name;
        }

        return parent + "[" + JsonSerializer.Serialize(name, ManifestJsonContext.Default.String) + "]";
    }

    public static string Index(string parent, int index) => parent + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    /// <summary>System.Text.Json's "$.spec.foo" / "$.metadata.labels['a.b']" to ours.</summary>
    public static string FromJsonPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }

        var s = jsonPath.StartsWith('$') ? jsonPath[1..] : jsonPath;
        var sb = new StringBuilder();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == '.')
            {
                var end = i + 1;
                while (end < s.Length && s[end] != '.' && s[end] != '[')
                {
                    end++;
                }

                var name = s[(i + 1)..end];
                sb.Append(sb.Length == 0 ? name : "." + name);
                i = end;
            }
            else if (s.AsSpan(i).StartsWith("['", StringComparison.Ordinal))
            {
                var end = s.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    sb.Append(s.AsSpan(i));
                    break;
                }

                var name = s[(i + 2)..end];
                var member = Member("", name);
                sb.Append(member.StartsWith('[') || sb.Length == 0 ? member : "." + member);
                i = end + 2;
            }
            else
            {
                var end = s.IndexOf(']', i);
                end = end < 0 ? s.Length : end + 1;
                sb.Append(s.AsSpan(i, end - i));
                i = end;
            }
        }

        return sb.ToString();
    }

    /// <summary>The path one level up ("spec.priorities[0].priority" to "spec.priorities[0]"), or null at the root.</summary>
    public static string? Parent(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        if (path.EndsWith(']'))
        {
            // Find the matching '[' outside a quoted key.
            var inQuotes = false;
            for (var i = path.Length - 2; i >= 0; i--)
            {
                if (path[i] == '"' && (i == 0 || path[i - 1] != '\\'))
                {
                    inQuotes = !inQuotes;
                }
                else if (path[i] == '[' && !inQuotes)
                {
                    return path[..i];
                }
            }

            return "";
        }

        var dot = path.LastIndexOfAny(['.', ']']);
        return dot < 0 ? "" : path[..(path[dot] == ']' ? dot + 1 : dot)];
    }

    private static bool IsSimple(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
