using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KeepOperator.LocalCluster;

/// <summary>What validating a custom resource against its structural schema found.</summary>
public sealed record SchemaResult(List<StatusCause> Errors, List<string> UnknownFields);

/// <summary>
/// The structural OpenAPI v3 schema of a CRD version applied to a custom resource the way the API server does:
/// defaults filled in, non-nullable nulls dropped, unknown fields pruned (unless x-kubernetes-preserve-unknown-fields)
/// and reported, then value validation (type, required, enum, minimum/maximum, exclusive bounds, multipleOf,
/// minLength/maxLength, pattern, format, minItems/maxItems, uniqueItems, list-type set/map, min/maxProperties,
/// allOf/anyOf/oneOf/not, int-or-string) with the API server's wording, and the CEL rules (see <see cref="CelRules"/>).
/// </summary>
public static class SchemaValidator
{
    private static readonly HashSet<string> RootFields = ["apiVersion", "kind", "metadata"];

    /// <summary>
    /// Defaults, prunes (in place) and validates <paramref name="obj"/>; with <paramref name="old"/> (an update) the
    /// supported CEL transition rules are checked against the correlated old values.
    /// </summary>
    public static SchemaResult Apply(JsonObject obj, JsonObject schema, JsonObject? old = null)
    {
        var result = new SchemaResult([], []);
        Default(obj, schema);
        Prune(obj, schema, string.Empty, result.UnknownFields, root: true);
        Validate(obj, schema, string.Empty, result.Errors, root: true, old, old != null);
        return result;
    }

    // ---- defaulting and null handling ----
    private static void Default(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject o:
                if (schema["properties"] is JsonObject props)
                {
                    foreach (var (name, propNode) in props)
                    {
                        if (propNode is not JsonObject prop)
                        {
                            continue;
                        }

                        o.TryGetPropertyValue(name, out var value);
                        var present = o.ContainsKey(name);
                        if ((!present || value == null) && prop["default"] is { } def)
                        {
                            o[name] = def.DeepClone();
                        }
                        else if (present && value == null && !IsTrue(prop["nullable"]))
                        {
                            o.Remove(name);
                        }
                    }

                    foreach (var (name, propNode) in props)
                    {
                        if (propNode is JsonObject prop && o[name] is { } child)
                        {
                            Default(child, prop);
                        }
                    }
                }
                else if (schema["additionalProperties"] is JsonObject additional)
                {
                    foreach (var (_, child) in o)
                    {
                        Default(child, additional);
                    }
                }

                break;
            case JsonArray a when schema["items"] is JsonObject items:
                foreach (var item in a)
                {
                    Default(item, items);
                }

                break;
        }
    }

    // ---- pruning ----
    private static void Prune(JsonNode? node, JsonObject schema, string path, List<string> unknown, bool root = false)
    {
        if (IsTrue(schema["x-kubernetes-int-or-string"]))
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                {
                    var props = schema["properties"] as JsonObject;
                    var preserve = IsTrue(schema["x-kubernetes-preserve-unknown-fields"]);
                    var keepMeta = root || IsTrue(schema["x-kubernetes-embedded-resource"]);
                    var additional = schema["additionalProperties"];
                    foreach (var key in o.Select(kv => kv.Key).ToList())
                    {
                        var childPath = Join(path, key);
                        if (keepMeta && RootFields.Contains(key))
                        {
                            continue;
                        }

                        if (props != null && props[key] is JsonObject prop)
                        {
                            Prune(o[key], prop, childPath, unknown);
                        }
                        else if (additional is JsonObject addSchema)
                        {
                            Prune(o[key], addSchema, childPath, unknown);
                        }
                        else if (additional is JsonValue av && IsTrue(av))
                        {
                            // free-form map
                        }
                        else if (!preserve)
                        {
                            unknown.Add(childPath);
                            o.Remove(key);
                        }
                    }

                    break;
                }

            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++)
                {
                    Prune(a[i], items, $"{path}[{i}]", unknown);
                }

                break;
        }
    }

    // ---- validation ----
    private static void Validate(JsonNode? node, JsonObject schema, string path, List<StatusCause> errors, bool root = false, JsonNode? old = null, bool hasOld = false)
    {
        var kind = Json.Kind(node);
        var type = Json.Str(schema["type"]);
        if (node == null && kind == JsonValueKind.Null)
        {
            if (!IsTrue(schema["nullable"]) && type != null && !root)
            {
                errors.Add(TypeError(path, "null", type));
            }

            return;
        }

        if (IsTrue(schema["x-kubernetes-int-or-string"]))
        {
            if (kind != JsonValueKind.String && !IsInteger(node))
            {
                errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {Show(node)}: {Body(path)} in body must be of type integer,string: {Show(node)}", path));
                return;
            }
        }
        else if (type != null && !TypeMatches(node, kind, type))
        {
            errors.Add(TypeError(path, TypeName(node, kind), type));
            return;
        }

        ValidateEnum(node, schema, path, errors);
        switch (kind)
        {
            case JsonValueKind.Number:
                ValidateNumber(node!, schema, path, errors);
                break;
            case JsonValueKind.String:
                ValidateString(Json.Str(node)!, node!, schema, path, errors);
                break;
            case JsonValueKind.Array:
                ValidateArray((JsonArray)node!, schema, path, errors);
                break;
            case JsonValueKind.Object:
                ValidateObject((JsonObject)node!, schema, path, errors, root, old as JsonObject);
                break;
        }

        ValidateCombinators(node, schema, path, errors);
        CelRules.Check(schema, node, old, hasOld, path, errors);
    }

    private static void ValidateObject(JsonObject o, JsonObject schema, string path, List<StatusCause> errors, bool root, JsonObject? old)
    {
        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required.Select(Json.Str).OfType<string>())
            {
                if (!o.ContainsKey(r) || o[r] == null)
                {
                    errors.Add(new StatusCause("FieldValueRequired", "Required value", Join(path, r)));
                }
            }
        }

        if (Json.Int(schema["maxProperties"]) is { } maxP && o.Count > maxP)
        {
            errors.Add(new StatusCause("FieldValueTooMany", $"Too many: {o.Count}: must have at most {maxP} items", path));
        }

        if (Json.Int(schema["minProperties"]) is { } minP && o.Count < minP)
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {o.Count}: {Body(path)} in body should have at least {minP} properties", path));
        }

        var props = schema["properties"] as JsonObject;
        foreach (var (key, value) in o)
        {
            if (root && key is "apiVersion" or "kind")
            {
                continue;
            }

            var hasOld = old != null && old.TryGetPropertyValue(key, out _);
            var oldValue = hasOld ? old![key] : null;
            if (props?[key] is JsonObject prop)
            {
                Validate(value, prop, Join(path, key), errors, false, oldValue, hasOld);
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Validate(value, additional, Join(path, key), errors, false, oldValue, hasOld);
            }
        }
    }

    private static void ValidateArray(JsonArray a, JsonObject schema, string path, List<StatusCause> errors)
    {
        if (Json.Int(schema["maxItems"]) is { } max && a.Count > max)
        {
            errors.Add(new StatusCause("FieldValueTooMany", $"Too many: {a.Count}: must have at most {max} items", path));
        }

        if (Json.Int(schema["minItems"]) is { } min && a.Count < min)
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {a.Count}: {Body(path)} in body should have at least {min} items", path));
        }

        var listType = Json.Str(schema["x-kubernetes-list-type"]);
        if (IsTrue(schema["uniqueItems"]) || listType == "set")
        {
            for (var i = 1; i < a.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (JsonNode.DeepEquals(a[i], a[j]))
                    {
                        errors.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: {Show(a[i])}", $"{path}[{i}]"));
                        break;
                    }
                }
            }
        }
        else if (listType == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray mapKeys)
        {
            var keys = mapKeys.Select(Json.Str).OfType<string>().ToList();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < a.Count; i++)
            {
                var id = string.Join("\u0000", keys.Select(k => Json.Serialize(a[i]?[k])));
                if (!seen.Add(id))
                {
                    var shown = "map[string]interface {}{" + string.Join(", ", keys.Select(k => $"\"{k}\":{Show(a[i]?[k])}")) + "}";
                    errors.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: {shown}", $"{path}[{i}]"));
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < a.Count; i++)
            {
                Validate(a[i], items, $"{path}[{i}]", errors);
            }
        }
    }

    private static void ValidateNumber(JsonNode node, JsonObject schema, string path, List<StatusCause> errors)
    {
        var value = Dbl(node);
        var shown = Show(node);
        if (schema["maximum"] is JsonValue maxNode)
        {
            var max = Dbl(maxNode);
            var exclusive = IsTrue(schema["exclusiveMaximum"]);
            if (exclusive ? value >= max : value > max)
            {
                errors.Add(Invalid(path, shown, $"should be less than {(exclusive ? string.Empty : "or equal to ")}{Num(maxNode)}"));
            }
        }

        if (schema["minimum"] is JsonValue minNode)
        {
            var min = Dbl(minNode);
            var exclusive = IsTrue(schema["exclusiveMinimum"]);
            if (exclusive ? value <= min : value < min)
            {
                errors.Add(Invalid(path, shown, $"should be greater than {(exclusive ? string.Empty : "or equal to ")}{Num(minNode)}"));
            }
        }

        if (schema["multipleOf"] is JsonValue mulNode)
        {
            var mul = Dbl(mulNode);
            if (mul > 0 && Math.Abs(Math.IEEERemainder(value, mul)) > 1e-9)
            {
                errors.Add(Invalid(path, shown, $"should be a multiple of {Num(mulNode)}"));
            }
        }

        var format = Json.Str(schema["format"]);
        if (format == "int32" && IsInteger(node) && (value > int.MaxValue || value < int.MinValue))
        {
            errors.Add(Invalid(path, shown, "must be of type int32: " + shown));
        }
    }

    private static void ValidateString(string s, JsonNode node, JsonObject schema, string path, List<StatusCause> errors)
    {
        var length = s.EnumerateRunes().Count();
        if (Json.Int(schema["maxLength"]) is { } max && length > max)
        {
            errors.Add(new StatusCause("FieldValueTooLong", $"Too long: may not be more than {max} bytes", path));
        }

        if (Json.Int(schema["minLength"]) is { } min && length < min)
        {
            errors.Add(Invalid(path, Show(node), $"should be at least {min} chars long"));
        }

        if (Json.Str(schema["pattern"]) is { } pattern)
        {
            bool matches;
            try
            {
                matches = Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                matches = true;
            }

            if (!matches)
            {
                errors.Add(Invalid(path, Show(node), $"should match '{pattern}'"));
            }
        }

        if (Json.Str(schema["format"]) is { } format && !FormatMatches(format, s))
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {Show(node)}: {Body(path)} in body must be of type {format}: {Show(node)}", path));
        }
    }

    private static void ValidateEnum(JsonNode? node, JsonObject schema, string path, List<StatusCause> errors)
    {
        if (schema["enum"] is not JsonArray values || values.Any(v => JsonNode.DeepEquals(v, node)))
        {
            return;
        }

        errors.Add(new StatusCause("FieldValueNotSupported", $"Unsupported value: {Show(node)}: supported values: {string.Join(", ", values.Select(Show))}", path));
    }

    private static void ValidateCombinators(JsonNode? node, JsonObject schema, string path, List<StatusCause> errors)
    {
        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var s in allOf.OfType<JsonObject>())
            {
                Validate(node, s, path, errors);
            }
        }

        if (schema["anyOf"] is JsonArray anyOf)
        {
            var branches = anyOf.OfType<JsonObject>().Select(s => Errors(node, s, path)).ToList();
            if (branches.Count > 0 && branches.All(b => b.Count > 0))
            {
                errors.Add(Invalid(path, Show(node), "must validate at least one schema (anyOf)"));
                errors.AddRange(branches[0]);
            }
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            var passing = oneOf.OfType<JsonObject>().Count(s => Errors(node, s, path).Count == 0);
            if (passing != 1)
            {
                errors.Add(Invalid(path, Show(node), "must validate one and only one schema (oneOf)"));
            }
        }

        if (schema["not"] is JsonObject not && Errors(node, not, path).Count == 0)
        {
            errors.Add(Invalid(path, Show(node), "must not validate the schema (not)"));
        }
    }

    private static List<StatusCause> Errors(JsonNode? node, JsonObject schema, string path)
    {
        var list = new List<StatusCause>();
        Validate(node, schema, path, list);
        return list;
    }

    // ---- helpers ----
    private static bool TypeMatches(JsonNode? node, JsonValueKind kind, string type) => type switch
    {
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "string" => kind == JsonValueKind.String,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "number" => kind == JsonValueKind.Number,
        "integer" => IsInteger(node),
        _ => true,
    };

    /// <summary>Whole numbers count as integers even when written as 3.0, as in the API server's validator.</summary>
    private static bool IsInteger(JsonNode? node) =>
        Json.Kind(node) == JsonValueKind.Number
        && (long.TryParse(node!.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            || (double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Abs(d) < 9e15 && d == Math.Floor(d)));

    private static string TypeName(JsonNode? node, JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => IsInteger(node) ? "integer" : "number",
        _ => "null",
    };

    private static StatusCause TypeError(string path, string actual, string expected) =>
        new("FieldValueInvalid", $"Invalid value: \"{actual}\": {Body(path)} in body must be of type {expected}: \"{actual}\"", path);

    private static StatusCause Invalid(string path, string shown, string what) =>
        new("FieldValueInvalid", $"Invalid value: {shown}: {Body(path)} in body {what}", path);

    private static string Body(string path) => path.Length == 0 ? "body" : path;

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static bool IsTrue(JsonNode? node) => Json.Kind(node) == JsonValueKind.True;

    private static string Num(JsonNode node) => node.ToJsonString();

    private static double Dbl(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A value as the API server prints it in "Invalid value: X".</summary>
    public static string Show(JsonNode? node) => Json.Kind(node) switch
    {
        JsonValueKind.String => "\"" + Json.Str(node) + "\"",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "\"object\"",
        JsonValueKind.Array => "\"array\"",
        _ => node!.ToJsonString(),
    };

    private static bool FormatMatches(string format, string s)
    {
        switch (format)
        {
            case "ipv4":
                return IPAddress.TryParse(s, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && s.Count(c => c == '.') == 3;
            case "ipv6":
                return s.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(s, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
            case "ip":
                return IPAddress.TryParse(s, out _) && (s.Contains(':', StringComparison.Ordinal) || s.Count(c => c == '.') == 3);
            case "cidr":
                {
                    var slash = s.IndexOf('/', StringComparison.Ordinal);
                    if (slash < 0 || !IPAddress.TryParse(s[..slash], out var ip) || !int.TryParse(s[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
                    {
                        return false;
                    }

                    return bits <= (ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
                }

            case "date-time":
                return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && s.Contains('T', StringComparison.OrdinalIgnoreCase);
            case "date":
                return DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
            case "uuid":
                return Guid.TryParse(s, out _);
            case "byte":
                return s.Length % 4 == 0 && Convert.TryFromBase64String(s, new byte[s.Length], out _);
            case "hostname":
                return s.Length <= 253 && s.Split('.').All(l => l.Length is > 0 and <= 63 && Regex.IsMatch(l, "^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$"));
            case "mac":
                return Regex.IsMatch(s, "^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$");
            default:
                return true;
        }
    }
}
