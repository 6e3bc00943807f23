using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// The part of JSON Schema draft-07 that values.schema.json uses (type, properties, required,
/// additionalProperties, enum, items, minimum, maximum), applied to YAML as Helm applies it: plain scalars are
/// typed by YAML 1.2's core schema. JsonSchema.Net does not restore here (its JsonPointer.Net dependency is not
/// served). A keyword outside the subset is refused, so the schema cannot silently outgrow the check.
/// </summary>
internal static class ValuesSchemaValidator
{
    private static readonly HashSet<string> Supported =
        ["$schema", "title", "description", "type", "properties", "required", "additionalProperties", "enum", "items", "minimum", "maximum"];

    public static IReadOnlyList<string> Validate(JsonElement schema, YamlNode values)
    {
        var errors = new List<string>();
        Check(schema, values, "", errors);
        return errors;
    }

    private static void Check(JsonElement schema, YamlNode node, string path, List<string> errors)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Supported.Contains(keyword.Name))
            {
                throw new NotSupportedException($"schema keyword {keyword.Name} at {path} is outside the validated subset");
            }
        }
        string type = TypeOf(node);
        if (schema.TryGetProperty("type", out var expected) && !TypeMatches(expected.GetString()!, type))
        {
            errors.Add($"{Shown(path)}: expected {expected.GetString()}, got {type}");
            return;
        }
        if (schema.TryGetProperty("enum", out var allowed) && node is YamlScalarNode scalar
            && !allowed.EnumerateArray().Any(a => a.ToString() == scalar.Value))
        {
            errors.Add($"{Shown(path)}: {scalar.Value} is not one of {allowed}");
        }
        if (type is "integer" or "number")
        {
            double number = double.Parse(((YamlScalarNode)node).Value!, CultureInfo.InvariantCulture);
            if (schema.TryGetProperty("minimum", out var min) && number < min.GetDouble())
            {
                errors.Add($"{Shown(path)}: {number} is below the minimum {min.GetDouble()}");
            }
            if (schema.TryGetProperty("maximum", out var max) && number > max.GetDouble())
            {
                errors.Add($"{Shown(path)}: {number} is above the maximum {max.GetDouble()}");
            }
        }
        if (node is YamlMappingNode map)
        {
            CheckObject(schema, map, path, errors);
        }
        if (node is YamlSequenceNode list && schema.TryGetProperty("items", out var items))
        {
            for (int i = 0; i < list.Children.Count; i++)
            {
                Check(items, list.Children[i], $"{path}[{i}]", errors);
            }
        }
    }

    private static void CheckObject(JsonElement schema, YamlMappingNode map, string path, List<string> errors)
    {
        var keys = map.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToHashSet();
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(r => !keys.Contains(r)))
            {
                errors.Add($"{Shown(path)}: {name} is required");
            }
        }
        bool hasProperties = schema.TryGetProperty("properties", out var properties);
        bool hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var (key, value) in map.Children)
        {
            string name = ((YamlScalarNode)key).Value!;
            string childPath = path.Length == 0 ? name : path + "." + name;
            if (hasProperties && properties.TryGetProperty(name, out var property))
            {
                Check(property, value, childPath, errors);
            }
            else if (hasAdditional && additional.ValueKind == JsonValueKind.False)
            {
                errors.Add($"{childPath}: not allowed here (additionalProperties: false)");
            }
            else if (hasAdditional && additional.ValueKind == JsonValueKind.Object)
            {
                Check(additional, value, childPath, errors);
            }
        }
    }

    private static bool TypeMatches(string expected, string actual) =>
        expected == actual || (expected == "number" && actual == "integer");

    /// <summary>YAML 1.2 core schema typing of plain scalars; quoted scalars are strings.</summary>
    private static string TypeOf(YamlNode node) => node switch
    {
        YamlMappingNode => "object",
        YamlSequenceNode => "array",
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded } => "string",
        YamlScalarNode { Value: null or "" or "~" or "null" } => "null",
        YamlScalarNode { Value: "true" or "false" } => "boolean",
        YamlScalarNode s when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => "integer",
        YamlScalarNode s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => "number",
        _ => "string",
    };

    private static string Shown(string path) => path.Length == 0 ? "(root)" : path;
}
