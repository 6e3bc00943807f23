using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KeepOperator.Api.Tests.Crds;

/// <summary>
/// Walks a CRD's openAPIV3Schema and the C# type's source-generated JSON metadata side by side and lists every
/// difference: a property on one side only, a JSON type or format that does not match, a required list that differs,
/// a schema default that is not the C# initial value, a property without a description (root metadata aside, which
/// must be a bare object).
/// Paths read "spec.priorities[].nodeName" ([] an array item, {} a map value).
/// </summary>
internal static class SchemaDrift
{
    /// <summary>Source-generated metadata lists [JsonIgnore] properties too (without attributes), so reflection tells.</summary>
    private static bool Ignored(JsonTypeInfo info, JsonPropertyInfo property) =>
        info.Type.GetProperties().Any(p =>
            JsonNamingPolicy.CamelCase.ConvertName(p.Name) == property.Name
            && p.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: false).OfType<JsonIgnoreAttribute>().Any(a => a.Condition == JsonIgnoreCondition.Always));

    private static readonly HashSet<string> RootFields = ["apiVersion", "kind", "metadata"];

    /// <param name="validatorRequired">Properties nullable in C# that the schema requires because the C# validator does.</param>
    public static List<string> Compare(JsonTypeInfo root, JsonObject schema, IReadOnlySet<string> validatorRequired)
    {
        var problems = new List<string>();
        Walk(root, schema, "", new Context(validatorRequired, problems));
        return problems;
    }

    private sealed record Context(IReadOnlySet<string> ValidatorRequired, List<string> Problems)
    {
        public void Add(string path, string problem) => Problems.Add((path.Length == 0 ? "(root)" : path) + ": " + problem);
    }

    private static void Walk(JsonTypeInfo info, JsonObject schema, string path, Context c)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        var schemaType = (string?)schema["type"];
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                Expect(c, path, schemaType, "object", type);
                if (path == "metadata")
                {
                    // The API server's ObjectMeta: a CRD may say nothing about it but its type (structural schema rule).
                    if (schema.Count != 1)
                    {
                        c.Add(path, "must be just {type: object} (the API server refuses anything else but name restrictions)");
                    }

                    return;
                }

                if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true && schema["properties"] is null)
                {
                    // What the API server keeps unvalidated, the agent would meet first: every object gets a schema.
                    c.Add(path, $"kept unvalidated (x-kubernetes-preserve-unknown-fields) instead of a schema for {type.Name}");
                    return;
                }

                WalkObject(info, schema, path, c);
                return;

            case JsonTypeInfoKind.Enumerable:
                Expect(c, path, schemaType, "array", type);
                if (schema["items"] is JsonObject items)
                {
                    Walk(info.Options.GetTypeInfo(info.ElementType!), items, path + "[]", c);
                }
                else
                {
                    c.Add(path, "array without items");
                }

                return;

            case JsonTypeInfoKind.Dictionary:
                Expect(c, path, schemaType, "object", type);
                if (schema["additionalProperties"] is JsonObject values)
                {
                    Walk(info.Options.GetTypeInfo(info.ElementType!), values, path + "{}", c);
                }
                else
                {
                    c.Add(path, $"{type.Name} is a map but the schema has no additionalProperties");
                }

                return;

            default:
                var (jsonType, format) = Primitive(type);
                Expect(c, path, schemaType, jsonType, type);
                var schemaFormat = (string?)schema["format"];
                if (schemaFormat != format && !(type == typeof(int) && schemaFormat is null or "int32"))
                {
                    c.Add(path, $"format {schemaFormat ?? "(none)"} in the CRD, {format ?? "(none)"} for C# {type.Name}");
                }

                if (type.IsEnum && jsonType == "string")
                {
                    var names = Enum.GetValues(type).Cast<object>()
                        .Select(v => JsonSerializer.SerializeToNode(v, info.Options.GetTypeInfo(type))!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
                    var schemaNames = (schema["enum"] as JsonArray ?? []).Select(n => (string)n!).Order(StringComparer.Ordinal).ToList();
                    if (!names.SequenceEqual(schemaNames))
                    {
                        c.Add(path, $"enum [{string.Join(", ", schemaNames)}] in the CRD, [{string.Join(", ", names)}] in C# ({type.Name})");
                    }
                }

                return;
        }
    }

    private static void WalkObject(JsonTypeInfo info, JsonObject schema, string path, Context c)
    {
        if (info.PolymorphismOptions is { } polymorphism)
        {
            WalkPolymorphic(info, polymorphism, schema, path, c);
            return;
        }

        var properties = schema["properties"] as JsonObject ?? [];
        // A [JsonIgnore] property never goes on the wire (VrrpInstance.Notify is standalone only), so the CRD has no place for it.
        var csharp = info.Properties.Where(p => !Ignored(info, p)).ToDictionary(p => p.Name);
        foreach (var name in csharp.Keys.Where(n => !properties.ContainsKey(n)))
        {
            c.Add(Join(path, name), $"in C# ({info.Type.Name}) but not in the CRD");
        }

        foreach (var (name, _) in properties.Where(p => !csharp.ContainsKey(p.Key)))
        {
            c.Add(Join(path, name), $"in the CRD but not in C# ({info.Type.Name})");
        }

        var expectedRequired = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, property) in csharp)
        {
            if (properties[name] is not JsonObject propertySchema)
            {
                continue;
            }

            var propertyPath = Join(path, name);
            if (propertyPath != "metadata" && string.IsNullOrWhiteSpace((string?)propertySchema["description"]))
            {
                c.Add(propertyPath, "no description");
            }

            if (propertySchema["default"] is { } schemaDefault)
            {
                var initial = JsonSerializer.SerializeToNode(property.Get!(info.CreateObject!()), info.Options.GetTypeInfo(property.PropertyType));
                if (!JsonNode.DeepEquals(initial, schemaDefault))
                {
                    c.Add(propertyPath, $"default {schemaDefault.ToJsonString()} in the CRD, {initial?.ToJsonString() ?? "null"} in C#");
                }
            }
            else if ((!property.IsSetNullable && !(path.Length == 0 && RootFields.Contains(name))) || c.ValidatorRequired.Contains(propertyPath))
            {
                expectedRequired.Add(name);
            }

            Walk(info.Options.GetTypeInfo(property.PropertyType), propertySchema, propertyPath, c);
        }

        var required = new SortedSet<string>((schema["required"] as JsonArray ?? []).Select(n => (string)n!), StringComparer.Ordinal);
        if (!required.SetEquals(expectedRequired))
        {
            c.Add(path, $"required [{string.Join(", ", required)}] in the CRD, [{string.Join(", ", expectedRequired)}] from C# (non-nullable without a default, or required by the validator)");
        }
    }

    /// <summary>
    /// A type written as one of several derived types, told apart by a discriminator: the schema lists the discriminator
    /// (required, an enum of the derived types' names) and the union of their properties; the rest is optional.
    /// </summary>
    private static void WalkPolymorphic(JsonTypeInfo info, JsonPolymorphismOptions polymorphism, JsonObject schema, string path, Context c)
    {
        var properties = schema["properties"] as JsonObject ?? [];
        var discriminator = polymorphism.TypeDiscriminatorPropertyName;
        var names = polymorphism.DerivedTypes.Select(d => d.TypeDiscriminator?.ToString() ?? "").Order(StringComparer.Ordinal).ToList();
        var schemaNames = (properties[discriminator]?["enum"] as JsonArray ?? []).Select(n => (string)n!).Order(StringComparer.Ordinal).ToList();
        if (!names.SequenceEqual(schemaNames))
        {
            c.Add(Join(path, discriminator), $"enum [{string.Join(", ", schemaNames)}] in the CRD, [{string.Join(", ", names)}] in C# ({info.Type.Name})");
        }

        var known = new HashSet<string>(StringComparer.Ordinal) { discriminator };
        foreach (var derived in polymorphism.DerivedTypes)
        {
            foreach (var property in info.Options.GetTypeInfo(derived.DerivedType).Properties)
            {
                known.Add(property.Name);
                if (properties[property.Name] is JsonObject propertySchema)
                {
                    Walk(info.Options.GetTypeInfo(property.PropertyType), propertySchema, Join(path, property.Name), c);
                }
                else
                {
                    c.Add(Join(path, property.Name), $"in C# ({derived.DerivedType.Name}) but not in the CRD");
                }
            }
        }

        foreach (var (name, _) in properties.Where(p => !known.Contains(p.Key)))
        {
            c.Add(Join(path, name), $"in the CRD but not in C# ({info.Type.Name} or a type derived from it)");
        }

        var required = (schema["required"] as JsonArray ?? []).Select(n => (string)n!).ToList();
        if (!required.SequenceEqual([discriminator]))
        {
            c.Add(path, $"required [{string.Join(", ", required)}] in the CRD, [{discriminator}] for a polymorphic {info.Type.Name}");
        }
    }

    /// <summary>JSON types of the leaves: .NET primitives, enums (numbers unless converted to names), and the types our converters write as strings.</summary>
    private static (string Type, string? Format) Primitive(Type type) =>
        type == typeof(string) || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(IPAddress) || type.IsDefined(typeof(JsonConverterAttribute), inherit: false) ? ("string", null)
        : type.IsEnum ? ("integer", null)
        : type == typeof(int) ? ("integer", null)
        : type == typeof(long) ? ("integer", "int64")
        : type == typeof(bool) ? ("boolean", null)
        : type == typeof(DateTimeOffset) ? ("string", "date-time")
        : ("(no JSON type for " + type.Name + ")", null);

    private static void Expect(Context c, string path, string? actual, string expected, Type type)
    {
        if (actual != expected)
        {
            c.Add(path, $"type {actual ?? "(none)"} in the CRD, {expected} for C# {type.Name}");
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
