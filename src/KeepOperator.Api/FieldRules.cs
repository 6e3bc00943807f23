using System.Text.RegularExpressions;

namespace KeepOperator.Api;

/// <summary>Checks several resource validators share: object metadata, durations, integer ranges, DNS names.</summary>
internal static partial class FieldRules
{
    /// <summary>Name required (a DNS subdomain); namespace, when given, a DNS label.</summary>
    public static void Metadata(ObjectMeta? metadata, List<FieldError> errors)
    {
        if (metadata is null)
        {
            errors.Add(new("metadata", "required"));
            return;
        }

        if (string.IsNullOrEmpty(metadata.Name))
        {
            errors.Add(new("metadata.name", "required"));
        }
        else if (!IsDnsSubdomain(metadata.Name))
        {
            errors.Add(new("metadata.name", $"must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters), got \"{metadata.Name}\""));
        }

        if (metadata.Namespace is { } ns && !IsDnsLabel(ns))
        {
            errors.Add(new("metadata.namespace", $"must be a DNS label (lower-case letters, digits and '-', at most 63 characters), got \"{ns}\""));
        }
    }

    /// <summary>Null when absent or invalid (then an error is added); negative durations are errors.</summary>
    public static TimeSpan? Duration(string? text, string path, List<FieldError> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (!GoDuration.TryParse(text, out var value))
        {
            errors.Add(new(path, $"must be a duration such as \"1s\", \"500ms\" or \"1m30s\", got \"{text}\""));
            return null;
        }

        if (value < TimeSpan.Zero)
        {
            errors.Add(new(path, $"must not be negative, got \"{text}\""));
            return null;
        }

        return value;
    }

    /// <summary>As <see cref="Duration"/>, and zero is an error too.</summary>
    public static void PositiveDuration(string? text, string path, List<FieldError> errors)
    {
        if (Duration(text, path, errors) is { } value && value == TimeSpan.Zero)
        {
            errors.Add(new(path, $"must be positive, got \"{text}\""));
        }
    }

    /// <summary>An absent value passes; <paramref name="required"/> makes absence an error.</summary>
    public static void Range(int? value, int min, int max, string path, List<FieldError> errors, bool required = false)
    {
        if (value is not { } v)
        {
            if (required)
            {
                errors.Add(new(path, $"required ({min}-{max})"));
            }
        }
        else if (v < min || v > max)
        {
            errors.Add(new(path, $"must be between {min} and {max}, got {v}"));
        }
    }

    /// <summary>A node selector's labels (matchLabels form): keys must not be empty.</summary>
    public static void NodeSelector(Dictionary<string, string>? selector, string path, List<FieldError> errors)
    {
        if (selector?.Keys.Any(k => k.Length == 0) == true)
        {
            errors.Add(new(path, "label keys must not be empty"));
        }
    }

    public static bool IsDnsSubdomain(string name) => name.Length <= 253 && DnsSubdomain().IsMatch(name);

    public static bool IsDnsLabel(string name) => name.Length <= 63 && DnsLabel().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex DnsLabel();
}
