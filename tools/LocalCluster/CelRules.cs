using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KeepOperator.LocalCluster;

/// <summary>
/// The x-kubernetes-validations (CEL) subset this stand-in evaluates: the immutability transition rule
/// <c>self == oldSelf</c> (either order), checked on updates where the old value correlates (same property or map
/// key path). Every other rule is not evaluated; CRD writes carrying such rules answer with a warning saying so.
/// </summary>
public static partial class CelRules
{
    public static bool IsSupported(string rule) => Normalize(rule) is "self==oldSelf" or "oldSelf==self";

    /// <summary>Checks the supported rules of one schema node for a value and its correlated old value.</summary>
    public static void Check(JsonObject schema, JsonNode? value, JsonNode? oldValue, bool hasOld, string path, List<StatusCause> errors)
    {
        if (!hasOld || schema["x-kubernetes-validations"] is not JsonArray rules)
        {
            return;
        }

        foreach (var r in rules.OfType<JsonObject>())
        {
            var rule = Json.Str(r["rule"]) ?? string.Empty;
            if (!IsSupported(rule) || JsonNode.DeepEquals(value, oldValue))
            {
                continue;
            }

            var field = path;
            if (Json.Str(r["fieldPath"]) is { Length: > 0 } fp)
            {
                field = path + (fp.StartsWith('.') ? fp : "." + fp);
                field = field.TrimStart('.');
            }

            var message = Json.Str(r["message"]) is { Length: > 0 } m ? m : $"failed rule: {rule}";
            var type = Json.Str(schema["type"]) ?? "object";
            errors.Add(Json.Str(r["reason"]) switch
            {
                "FieldValueForbidden" => new StatusCause("FieldValueForbidden", $"Forbidden: {message}", field),
                "FieldValueRequired" => new StatusCause("FieldValueRequired", $"Required value: {message}", field),
                _ => new StatusCause("FieldValueInvalid", $"Invalid value: \"{type}\": {message}", field),
            });
        }
    }

    /// <summary>The rules of a CRD that are not evaluated here, with where they sit.</summary>
    public static List<string> Unsupported(JsonObject crd)
    {
        var found = new List<string>();
        if (crd["spec"]?["versions"] is JsonArray versions)
        {
            foreach (var v in versions.OfType<JsonObject>())
            {
                if (v["schema"]?["openAPIV3Schema"] is JsonObject schema)
                {
                    Walk(schema, found);
                }
            }
        }

        return found.Distinct().ToList();
    }

    private static void Walk(JsonNode? node, List<string> found)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["x-kubernetes-validations"] is JsonArray rules)
                {
                    found.AddRange(rules.Select(r => Json.Str(r?["rule"])).OfType<string>().Where(r => !IsSupported(r)));
                }

                foreach (var (k, v) in o)
                {
                    if (k != "x-kubernetes-validations")
                    {
                        Walk(v, found);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item, found);
                }

                break;
        }
    }

    private static string Normalize(string rule) => Spaces().Replace(rule, string.Empty);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
