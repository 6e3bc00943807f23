using System.Text;

namespace KeepOperator.Operator.Convert;

/// <summary>Kubernetes object names (DNS-1123 labels) made from keepalived names: "VI_1" -> "vi-1".</summary>
public static class DnsName
{
    private const int MaxLength = 63;

    /// <summary>Lower-cased; every run of other characters than a-z, 0-9 becomes one '-'; at most 63 characters.</summary>
    public static string From(string text, string fallback)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var name = sb.ToString(0, Math.Min(sb.Length, MaxLength)).Trim('-');
        return name.Length == 0 ? fallback : name;
    }

    /// <summary><paramref name="name"/>, or name-2, name-3 ... when taken; the result is added to <paramref name="taken"/>.</summary>
    public static string Unique(string name, ISet<string> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var candidate = name;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            var suffix = $"-{n}";
            candidate = name[..Math.Min(name.Length, MaxLength - suffix.Length)].TrimEnd('-') + suffix;
        }

        return candidate;
    }
}
