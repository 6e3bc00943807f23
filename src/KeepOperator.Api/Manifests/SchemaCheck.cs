using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace KeepOperator.Api.Manifests;

/// <summary>
/// Walks a JSON tree against source-generated type metadata before deserializing, so that every unknown field and
/// every type mismatch in a document is reported at once (System.Text.Json stops at the first).
/// </summary>
internal static class SchemaCheck
{
    public static void Check(JsonNode? node, JsonTypeInfo info, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            return; // nullability is checked by the parent (property) or by deserialization
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (node is not JsonObject obj)
                {
                    errors.Add(new(path, $"expected a mapping, got {Describe(node)}"));
                    return;
                }

                foreach (var (name, value) in obj)
                {
                    var childPath = FieldPath.Member(path, name);
                    var property = FindProperty(info, name);
                    if (property is null)
                    {
                        errors.Add(new(childPath, "unknown field"));
                        continue;
                    }

                    if (value is null)
                    {
                        if (!property.IsSetNullable)
                        {
                            errors.Add(new(childPath, "must not be null"));
                        }

                        continue;
                    }

                    Check(value, info.Options.GetTypeInfo(property.PropertyType), childPath, errors);
                }

                return;

            case JsonTypeInfoKind.Enumerable:
                if (node is not JsonArray array)
                {
                    errors.Add(new(path, $"expected a list, got {Describe(node)}"));
                    return;
                }

                var elementInfo = info.Options.GetTypeInfo(info.ElementType!);
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], elementInfo, FieldPath.Index(path, i), errors);
                }

                return;

            case JsonTypeInfoKind.Dictionary:
                if (node is not JsonObject map)
                {
                    errors.Add(new(path, $"expected a mapping, got {Describe(node)}"));
                    return;
                }

                var valueInfo = info.Options.GetTypeInfo(info.ElementType!);
                foreach (var (key, value) in map)
                {
                    var childPath = FieldPath.Member(path, key);
                    if (value is null)
                    {
                        errors.Add(new(childPath, "must not be null"));
                        continue;
                    }

                    Check(value, valueInfo, childPath, errors);
                }

                return;

            default:
                CheckValue(node, Nullable.GetUnderlyingType(info.Type) ?? info.Type, path, errors);
                return;
        }
    }

    /// <summary>"a mapping", "a list", "integer 1234", "string \"x\"".</summary>
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => $"string {value.ToJsonString()}",
            JsonValueKind.True => "boolean true",
            JsonValueKind.False => "boolean false",
            JsonValueKind.Number => IsInteger(value, out _) ? $"integer {value.ToJsonString()}" : $"number {value.ToJsonString()}",
            _ => value.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo info, string name)
    {
        foreach (var property in info.Properties)
        {
            if (property.Name == name)
            {
                return property;
            }
        }

        return null;
    }

    private static void CheckValue(JsonNode node, Type type, string path, List<FieldError> errors)
    {
        var kind = node.GetValueKind();
        if (type == typeof(string))
        {
            if (kind != JsonValueKind.String)
            {
                var hint = node is JsonValue ? $" (quote it: \"{TextOf(node)}\")" : "";
                errors.Add(new(path, $"expected a string, got {Describe(node)}{hint}"));
            }
        }
        else if (type == typeof(bool))
        {
            if (kind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add(new(path, $"expected true or false, got {Describe(node)}"));
            }
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            var (min, max) = type == typeof(int) ? ((decimal)int.MinValue, (decimal)int.MaxValue) : (long.MinValue, long.MaxValue);
            if (kind != JsonValueKind.Number || !IsInteger((JsonValue)node, out var value))
            {
                errors.Add(new(path, $"expected an integer, got {Describe(node)}"));
            }
            else if (value < min || value > max)
            {
                errors.Add(new(path, $"integer out of range, got {value.ToString(CultureInfo.InvariantCulture)}"));
            }
        }
        else if (type == typeof(DateTimeOffset))
        {
            if (kind != JsonValueKind.String || !Rfc3339TimestampConverter.TryParse(TextOf(node), out _))
            {
                errors.Add(new(path, $"expected an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got {Describe(node)}"));
            }
        }
    }

    private static string TextOf(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : node.ToJsonString();

    private static bool IsInteger(JsonValue value, out decimal integer)
    {
        integer = 0;
        if (value.TryGetValue<long>(out var l))
        {
            integer = l;
            return true;
        }

        if (value.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.Number)
        {
            var text = element.GetRawText();
            if (!text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase))
            {
                integer = decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? d : decimal.MaxValue;
                return true;
            }
        }

        return false;
    }
}
