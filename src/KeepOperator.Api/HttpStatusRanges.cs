using System.Globalization;

namespace KeepOperator.Api;

/// <summary>
/// HTTP status codes a check accepts, written as comma-separated codes and inclusive ranges: "200-299", "200,301-302".
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Json.HttpStatusRangesJsonConverter))]
public sealed class HttpStatusRanges : IEquatable<HttpStatusRanges>
{
    private readonly (int Low, int High)[] ranges;

    private HttpStatusRanges((int Low, int High)[] ranges) => this.ranges = ranges;

    /// <summary>200-299.</summary>
    public static HttpStatusRanges Default { get; } = new([(200, 299)]);

    public IReadOnlyList<(int Low, int High)> Ranges => ranges;

    public bool Contains(int statusCode)
    {
        foreach (var (low, high) in ranges)
        {
            if (statusCode >= low && statusCode <= high)
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryParse(string? text, out HttpStatusRanges result, out string error)
    {
        result = Default;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "must list status codes or ranges such as \"200-299\"";
            return false;
        }

        var list = new List<(int, int)>();
        foreach (var rawPart in text.Split(','))
        {
            var part = rawPart.Trim();
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var lowText = dash < 0 ? part : part[..dash].Trim();
            var highText = dash < 0 ? part : part[(dash + 1)..].Trim();
            if (!TryParseCode(lowText, out var low) || !TryParseCode(highText, out var high))
            {
                error = $"\"{part}\" is not a status code (100-599) or range such as \"200-299\"";
                return false;
            }

            if (low > high)
            {
                error = $"range \"{part}\" is reversed";
                return false;
            }

            list.Add((low, high));
        }

        result = new HttpStatusRanges([.. list]);
        return true;
    }

    /// <exception cref="FormatException">Not a valid list of codes and ranges.</exception>
    public static HttpStatusRanges Parse(string text) =>
        TryParse(text, out var result, out var error) ? result : throw new FormatException(error);

    public override string ToString() =>
        string.Join(",", ranges.Select(r => r.Low == r.High
            ? r.Low.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{r.Low}-{r.High}")));

    public bool Equals(HttpStatusRanges? other) => other is not null && ranges.AsSpan().SequenceEqual(other.ranges);

    public override bool Equals(object? obj) => Equals(obj as HttpStatusRanges);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static bool TryParseCode(string text, out int code) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= 100 and <= 599;
}
