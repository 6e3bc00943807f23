using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace KeepOperator.LocalCluster;

/// <summary>
/// x-kubernetes-validations, evaluated with a real CEL implementation (the Cel package) and Kubernetes' isIP and
/// isCIDR: each rule on the value at its schema node (<c>self</c>); a transition rule (one naming <c>oldSelf</c>) only
/// on an update where the old value correlates, as the API server does. Failures answer in the API server's words:
/// <c>Invalid value: "object": MESSAGE</c> (or <c>failed rule: RULE</c>). One difference from cel-go: this CEL's
/// <c>getMilliseconds()</c> of a duration is the millisecond part, cel-go's the whole duration in milliseconds; the
/// two agree on every remainder modulo 10, 100 or 1000, which is how our CRDs use it.
/// </summary>
public static class CelRules
{
    private static readonly CelEnvironment Environment = CreateEnvironment();
    private static readonly ConcurrentDictionary<string, CelProgramDelegate> Programs = new(StringComparer.Ordinal);

    /// <summary>Checks the rules of one schema node for a value and its correlated old value.</summary>
    public static void Check(JsonObject schema, JsonNode? value, JsonNode? oldValue, bool hasOld, string path, List<StatusCause> errors)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules || value is null)
        {
            return;
        }

        foreach (var r in rules.OfType<JsonObject>())
        {
            var rule = Json.Str(r["rule"]) ?? string.Empty;
            var transition = rule.Contains("oldSelf", StringComparison.Ordinal);
            if (transition && (!hasOld || oldValue is null))
            {
                continue;
            }

            var variables = new Dictionary<string, object?> { ["self"] = ToCel(value) };
            if (transition)
            {
                variables["oldSelf"] = ToCel(oldValue);
            }

            string? failure;
            try
            {
                failure = Programs.GetOrAdd(rule, Environment.Compile).Invoke(variables) is true ? null : Json.Str(r["message"]) is { Length: > 0 } m ? m : $"failed rule: {rule}";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = $"rule evaluation error: {rule}: {e.Message}";
            }

            if (failure is null)
            {
                continue;
            }

            var field = path;
            if (Json.Str(r["fieldPath"]) is { Length: > 0 } fp)
            {
                field = (path + (fp.StartsWith('.') ? fp : "." + fp)).TrimStart('.');
            }

            var type = Json.Str(schema["type"]) ?? "object";
            errors.Add(Json.Str(r["reason"]) switch
            {
                "FieldValueForbidden" => new StatusCause("FieldValueForbidden", $"Forbidden: {failure}", field),
                "FieldValueRequired" => new StatusCause("FieldValueRequired", $"Required value: {failure}", field),
                _ => new StatusCause("FieldValueInvalid", $"Invalid value: \"{type}\": {failure}", field),
            });
        }
    }

    /// <summary>JSON as CEL sees it: maps, lists, int (whole numbers), double, string, bool, null.</summary>
    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    private static CelEnvironment CreateEnvironment()
    {
        var environment = new CelEnvironment(null, null);
        environment.RegisterFunction("isIP", [typeof(string)], a => IsIP((string)a[0]!));
        environment.RegisterFunction("isCIDR", [typeof(string)], a => IsCidr((string)a[0]!));
        return environment;
    }

    /// <summary>Kubernetes' isIP: a plain IPv4 dotted quad or an IPv6 address, no zone.</summary>
    public static bool IsIP(string text) =>
        !text.Contains('%', StringComparison.Ordinal)
        && IPAddress.TryParse(text, out var address)
        && (text.Contains(':', StringComparison.Ordinal) || (text.Split('.').Length == 4 && address.ToString() == text));

    /// <summary>Kubernetes' isCIDR: an address (as <see cref="IsIP"/>) and a prefix length its family allows.</summary>
    public static bool IsCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && IsIP(text[..slash])
            && int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits)
            && bits <= (text.Contains(':', StringComparison.Ordinal) ? 128 : 32);
    }
}
