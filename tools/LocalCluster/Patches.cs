using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// The PATCH bodies the API server accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic
/// merge patch. The strategic one follows the directives kubectl sends ($patch, $retainKeys, $setElementOrder,
/// $deleteFromPrimitiveList) and merges lists by the merge keys of the common built-in fields (containers by
/// name, conditions by type, finalizers as a set...); other lists are replaced, as for atomic lists.
/// </summary>
public static class Patches
{
    public const string MergePatch = "application/merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    // ---- RFC 7386 ----
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value == null)
            {
                result.Remove(key);
            }
            else
            {
                result.TryGetPropertyValue(key, out var existing);
                result[key] = Merge(existing, value);
            }
        }

        return result;
    }

    // ---- RFC 6902 ----
    public static JsonNode? ApplyJsonPatch(JsonNode? target, JsonArray ops)
    {
        var doc = target?.DeepClone();
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op)
            {
                throw Invalid("json patch operation is not an object");
            }

            var kind = Json.Str(op["op"]) ?? throw Invalid("json patch operation has no \"op\"");
            var path = Json.Str(op["path"]) ?? throw Invalid($"json patch {kind} operation has no \"path\"");
            switch (kind)
            {
                case "add":
                    doc = Add(doc, path, Value(op));
                    break;
                case "remove":
                    doc = Remove(doc, path, out _);
                    break;
                case "replace":
                    doc = Remove(doc, path, out _);
                    doc = Add(doc, path, Value(op));
                    break;
                case "move":
                    {
                        var from = Json.Str(op["from"]) ?? throw Invalid("json patch move operation has no \"from\"");
                        doc = Remove(doc, from, out var moved);
                        doc = Add(doc, path, moved);
                        break;
                    }

                case "copy":
                    {
                        var from = Json.Str(op["from"]) ?? throw Invalid("json patch copy operation has no \"from\"");
                        doc = Add(doc, path, Resolve(doc, from)?.DeepClone());
                        break;
                    }

                case "test":
                    if (!JsonNode.DeepEquals(Resolve(doc, path), op["value"]))
                    {
                        throw Invalid($"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                default:
                    throw Invalid($"Unexpected kind: {kind}");
            }
        }

        return doc;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw Invalid("json patch operation has no \"value\"");

    private static List<string> Pointer(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw Invalid($"json patch path \"{path}\" does not start with '/'");
        }

        return path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static JsonNode? Resolve(JsonNode? doc, string path)
    {
        var node = doc;
        foreach (var part in Pointer(path))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out var child) => child,
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw Invalid($"the server rejected our request due to an error in our request: missing value at {path}"),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? doc, string path, JsonNode? value)
    {
        var parts = Pointer(path);
        if (parts.Count == 0)
        {
            return value;
        }

        var parent = Resolve(doc, "/" + string.Join('/', parts.Take(parts.Count - 1).Select(Escape)));
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Invalid($"the server rejected our request due to an error in our request: unable to add at {path}");
        }

        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, string path, out JsonNode? removed)
    {
        var parts = Pointer(path);
        if (parts.Count == 0)
        {
            removed = doc;
            return null;
        }

        var parent = Resolve(doc, "/" + string.Join('/', parts.Take(parts.Count - 1).Select(Escape)));
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var child):
                o.Remove(last);
                removed = child;
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw Invalid($"the server rejected our request due to an error in our request: unable to remove nonexistent key: {last}: missing value");
        }

        return doc;
    }

    private static string Escape(string part) => part.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static ApiError Invalid(string message) => new(422, "Invalid", message);

    // ---- strategic merge patch ----
    public static JsonNode? Strategic(JsonNode? target, JsonNode? patch, string kind) => StrategicMap(target, patch, kind, string.Empty, string.Empty);

    private static JsonNode? StrategicMap(JsonNode? target, JsonNode? patch, string kind, string path, string field)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        var directive = Json.Str(p["$patch"]);
        if (directive == "replace")
        {
            return StripDirectives(p);
        }

        if (directive == "delete")
        {
            return null;
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        var orders = new Dictionary<string, JsonArray>();
        var deletions = new Dictionary<string, JsonArray>();
        foreach (var (key, value) in p)
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                if (value is JsonArray order)
                {
                    orders[key["$setElementOrder/".Length..]] = order;
                }

                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                if (value is JsonArray del)
                {
                    deletions[key["$deleteFromPrimitiveList/".Length..]] = del;
                }

                continue;
            }

            if (key.StartsWith('$'))
            {
                continue;
            }

            var childPath = path.Length == 0 ? key : path + "." + key;
            result.TryGetPropertyValue(key, out var existing);
            if (value == null)
            {
                result.Remove(key);
            }
            else if (value is JsonArray list)
            {
                p.TryGetPropertyValue("$setElementOrder/" + key, out var orderNode);
                result[key] = StrategicList(existing as JsonArray, list, kind, childPath, key, field, orderNode as JsonArray);
            }
            else
            {
                var merged = StrategicMap(existing, value, kind, childPath, key);
                if (merged == null)
                {
                    result.Remove(key);
                }
                else
                {
                    result[key] = merged;
                }
            }
        }

        foreach (var (key, del) in deletions)
        {
            if (result[key] is JsonArray arr)
            {
                foreach (var d in del)
                {
                    for (var i = arr.Count - 1; i >= 0; i--)
                    {
                        if (JsonNode.DeepEquals(arr[i], d))
                        {
                            arr.RemoveAt(i);
                        }
                    }
                }
            }
        }

        foreach (var (key, order) in orders)
        {
            if (result[key] is JsonArray arr)
            {
                result[key] = Reorder(arr, order);
            }
        }

        if (p["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(Json.Str).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var key in result.Select(kv => kv.Key).ToList())
            {
                if (!keep.Contains(key))
                {
                    result.Remove(key);
                }
            }
        }

        return result;
    }

    private static JsonArray StrategicList(JsonArray? target, JsonArray patch, string kind, string path, string field, string parentField, JsonArray? order)
    {
        if (patch.Any(e => e is JsonObject o && Json.Str(o["$patch"]) == "replace"))
        {
            return new JsonArray(patch.Where(e => !(e is JsonObject o && o.ContainsKey("$patch"))).Select(e => StripDirectives(e)).ToArray());
        }

        var mergeKey = MergeKey(kind, path, field, parentField, order);
        if (mergeKey == null || target == null)
        {
            if (mergeKey == null)
            {
                return new JsonArray(patch.Select(StripDirectives).ToArray());
            }

            return new JsonArray(patch.Where(e => !(e is JsonObject o && Json.Str(o["$patch"]) == "delete")).Select(StripDirectives).ToArray());
        }

        var result = (JsonArray)target.DeepClone();
        if (mergeKey.Length == 0)
        {
            foreach (var item in patch)
            {
                if (!result.Any(r => JsonNode.DeepEquals(r, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return result;
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject po)
            {
                result.Add(item?.DeepClone());
                continue;
            }

            var keyValue = po[mergeKey];
            var index = -1;
            for (var i = 0; i < result.Count; i++)
            {
                if (result[i] is JsonObject ro && JsonNode.DeepEquals(ro[mergeKey], keyValue))
                {
                    index = i;
                    break;
                }
            }

            if (Json.Str(po["$patch"]) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                result[index] = StrategicMap(result[index], po, kind, path, field);
            }
            else
            {
                result.Add(StripDirectives(po));
            }
        }

        return result;
    }

    /// <summary>
    /// The merge key of a list field: from $setElementOrder when kubectl sent one, else from the built-in table.
    /// Null means atomic (replace); empty means a set of primitives merged by value.
    /// </summary>
    private static string? MergeKey(string kind, string path, string field, string parentField, JsonArray? order)
    {
        if (order != null && order.Count > 0)
        {
            if (order[0] is JsonObject first && first.Count == 1)
            {
                return first.First().Key;
            }

            if (order[0] is JsonValue)
            {
                return string.Empty;
            }
        }

        return field switch
        {
            "containers" or "initContainers" or "ephemeralContainers" or "volumes" or "env" or "imagePullSecrets"
                or "resourceClaims" or "schedulingGates" => "name",
            "secrets" when kind == "ServiceAccount" => "name",
            "volumeMounts" => "mountPath",
            "volumeDevices" => "devicePath",
            "hostAliases" => "ip",
            "topologySpreadConstraints" => "topologyKey",
            "conditions" => "type",
            "addresses" when path == "status.addresses" => "type",
            "ownerReferences" => "uid",
            "finalizers" when path is "metadata.finalizers" or "spec.finalizers" => string.Empty,
            "ports" when parentField is "containers" or "initContainers" or "ephemeralContainers" => "containerPort",
            "ports" when kind == "Service" && path == "spec.ports" => "port",
            _ => null,
        };
    }

    private static JsonArray Reorder(JsonArray list, JsonArray order)
    {
        var items = list.Select(i => i?.DeepClone()).ToList();
        var sorted = new List<JsonNode?>();
        foreach (var o in order)
        {
            for (var i = 0; i < items.Count; i++)
            {
                var matches = o is JsonObject oo && oo.Count == 1 && items[i] is JsonObject io
                    ? JsonNode.DeepEquals(io[oo.First().Key], oo.First().Value)
                    : JsonNode.DeepEquals(items[i], o);
                if (matches)
                {
                    sorted.Add(items[i]);
                    items.RemoveAt(i);
                    break;
                }
            }
        }

        sorted.AddRange(items);
        return new JsonArray(sorted.ToArray());
    }

    private static JsonNode? StripDirectives(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                {
                    var r = new JsonObject();
                    foreach (var (k, v) in o)
                    {
                        if (!k.StartsWith('$'))
                        {
                            r[k] = StripDirectives(v);
                        }
                    }

                    return r;
                }

            case JsonArray a:
                return new JsonArray(a.Select(StripDirectives).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Parses a patch body; apply patches may be YAML.</summary>
    public static JsonNode? ParseBody(string body, string contentType)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException) when (contentType == ApplyPatch)
        {
            return Yaml.ToJson(body);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"error decoding patch: {e.Message}");
        }
    }
}
