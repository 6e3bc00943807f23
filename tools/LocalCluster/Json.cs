using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>Small helpers over System.Text.Json nodes shared by the other parts.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(JsonNode? node) => node?.ToJsonString(Compact) ?? "null";

    public static byte[] Utf8(JsonNode? node) => Encoding.UTF8.GetBytes(Serialize(node));

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }

        m = new JsonObject();
        obj["metadata"] = m;
        return m;
    }

    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string Name(JsonObject obj) => Str(obj["metadata"]?["name"]) ?? string.Empty;

    public static string Namespace(JsonObject obj) => Str(obj["metadata"]?["namespace"]) ?? string.Empty;

    public static string ResourceVersion(JsonObject obj) => Str(obj["metadata"]?["resourceVersion"]) ?? string.Empty;

    /// <summary>Follows a dotted path (no array indexes): "spec.nodeName", "involvedObject.uid".</summary>
    public static JsonNode? At(JsonNode? node, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>A scalar rendered the way field selectors and table cells compare it ("true", "3", the string itself).</summary>
    public static string ScalarText(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return node == null ? string.Empty : Serialize(node);
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => string.Empty,
            _ => v.ToJsonString(Compact),
        };
    }

    public static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static bool TryParseTime(string? text, out DateTime utc)
    {
        utc = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            utc = t;
            return true;
        }

        return false;
    }

    /// <summary>Parses a request body that must be a JSON object; anything else is a 400 BadRequest.</summary>
    public static JsonObject ParseObject(string text, string what = "body")
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the {what} could not be decoded as JSON: {e.Message}");
        }

        return node as JsonObject ?? throw ApiError.BadRequest($"the {what} is not a JSON object");
    }

    public static long? Int(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && long.TryParse(v.ToJsonString(Compact), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        return null;
    }
}
