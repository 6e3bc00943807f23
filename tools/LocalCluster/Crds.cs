using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KeepOperator.LocalCluster;

/// <summary>
/// CustomResourceDefinitions (apiextensions.k8s.io/v1): defaulting, the checks the API server makes before
/// accepting one, the status it reports (NamesAccepted, Established, storedVersions) and the resource types it serves.
/// </summary>
public static partial class Crds
{
    public static void ApplyDefaults(JsonObject crd)
    {
        if (crd["spec"] is not JsonObject spec)
        {
            return;
        }

        if (spec["names"] is JsonObject names && Json.Str(names["kind"]) is { } kind)
        {
            if (string.IsNullOrEmpty(Json.Str(names["singular"])))
            {
                names["singular"] = kind.ToLowerInvariant();
            }

            if (string.IsNullOrEmpty(Json.Str(names["listKind"])))
            {
                names["listKind"] = kind + "List";
            }
        }

        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
    }

    public static List<StatusCause> Validate(JsonObject crd)
    {
        var errors = new List<StatusCause>();
        var spec = crd["spec"] as JsonObject;
        var group = Json.Str(spec?["group"]);
        var plural = Json.Str(spec?["names"]?["plural"]);
        var kind = Json.Str(spec?["names"]?["kind"]);
        var scope = Json.Str(spec?["scope"]);
        if (string.IsNullOrEmpty(group))
        {
            errors.Add(new StatusCause("FieldValueRequired", "Required value", "spec.group"));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{group}\": should be a domain with at least one dot", "spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            errors.Add(new StatusCause("FieldValueRequired", "Required value", "spec.names.plural"));
        }
        else if (!LowerLabel().IsMatch(plural))
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{plural}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", "spec.names.plural"));
        }

        if (string.IsNullOrEmpty(kind))
        {
            errors.Add(new StatusCause("FieldValueRequired", "Required value", "spec.names.kind"));
        }

        if (scope is not ("Cluster" or "Namespaced"))
        {
            errors.Add(new StatusCause("FieldValueNotSupported", $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"", "spec.scope"));
        }

        var name = Json.Name(crd);
        if (group != null && plural != null && name != $"{plural}.{group}")
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group", "metadata.name"));
        }

        if (spec?["versions"] is not JsonArray versions || versions.Count == 0)
        {
            errors.Add(new StatusCause("FieldValueInvalid", "Invalid value: \"null\": must have exactly one version marked as storage version", "spec.versions"));
            return errors;
        }

        var storage = versions.Count(v => Json.Kind(v?["storage"]) == System.Text.Json.JsonValueKind.True);
        if (storage != 1)
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {storage}: must have exactly one version marked as storage version", "spec.versions"));
        }

        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i] as JsonObject;
            if (string.IsNullOrEmpty(Json.Str(v?["name"])))
            {
                errors.Add(new StatusCause("FieldValueRequired", "Required value", $"spec.versions[{i}].name"));
            }

            if (v?["schema"]?["openAPIV3Schema"] is not JsonObject)
            {
                errors.Add(new StatusCause("FieldValueRequired", "Required value: schemas are required", $"spec.versions[{i}].schema.openAPIV3Schema"));
            }
        }

        return errors;
    }

    /// <summary>What the API server's controllers report once the CRD's names are accepted and it serves.</summary>
    public static void SetStatus(JsonObject crd, JsonObject? oldStatus)
    {
        var spec = crd["spec"] as JsonObject;
        var now = Json.Now();
        string Since(string type) =>
            (oldStatus?["conditions"] as JsonArray)?.FirstOrDefault(c => Json.Str(c?["type"]) == type)?["lastTransitionTime"] is { } t ? Json.Str(t) ?? now : now;

        var stored = new List<string>();
        if (oldStatus?["storedVersions"] is JsonArray prev)
        {
            stored.AddRange(prev.Select(Json.Str).OfType<string>());
        }

        var storageVersion = (spec?["versions"] as JsonArray)?.FirstOrDefault(v => Json.Kind(v?["storage"]) == System.Text.Json.JsonValueKind.True)?["name"];
        if (Json.Str(storageVersion) is { } sv && !stored.Contains(sv))
        {
            stored.Add(sv);
        }

        crd["status"] = new JsonObject
        {
            ["acceptedNames"] = spec?["names"]?.DeepClone() ?? new JsonObject(),
            ["conditions"] = new JsonArray(
                new JsonObject { ["lastTransitionTime"] = Since("NamesAccepted"), ["message"] = "no conflicts found", ["reason"] = "NoConflicts", ["status"] = "True", ["type"] = "NamesAccepted" },
                new JsonObject { ["lastTransitionTime"] = Since("Established"), ["message"] = "the initial names have been accepted", ["reason"] = "InitialNamesAccepted", ["status"] = "True", ["type"] = "Established" }),
            ["storedVersions"] = new JsonArray(stored.Select(s => (JsonNode)s).ToArray()),
        };
    }

    /// <summary>One resource type per served version; the preferred one is the highest by Kubernetes version priority.</summary>
    public static IReadOnlyList<ResourceType> TypesOf(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var group = Json.Str(spec["group"])!;
        var kind = Json.Str(names["kind"])!;
        var served = ((JsonArray)spec["versions"]!).OfType<JsonObject>()
            .Where(v => Json.Kind(v["served"]) != System.Text.Json.JsonValueKind.False)
            .ToList();
        var preferred = served.Select(v => Json.Str(v["name"])!).OrderBy(v => v, Comparer<string>.Create(CompareVersions)).FirstOrDefault();
        var types = new List<ResourceType>();
        foreach (var v in served)
        {
            var version = Json.Str(v["name"])!;
            var columns = new List<PrinterColumn>();
            if (v["additionalPrinterColumns"] is JsonArray cols)
            {
                foreach (var c in cols.OfType<JsonObject>())
                {
                    columns.Add(new PrinterColumn(
                        Json.Str(c["name"]) ?? string.Empty,
                        Json.Str(c["type"]) ?? "string",
                        Json.Str(c["jsonPath"]) ?? string.Empty,
                        Json.Str(c["description"]) ?? string.Empty,
                        (int)(Json.Int(c["priority"]) ?? 0),
                        Json.Str(c["format"]) ?? string.Empty));
                }
            }

            var hasStatus = v["subresources"]?["status"] != null;
            types.Add(new ResourceType
            {
                Group = group,
                Version = version,
                Plural = Json.Str(names["plural"])!,
                Singular = Json.Str(names["singular"]) ?? kind.ToLowerInvariant(),
                Kind = kind,
                Namespaced = Json.Str(spec["scope"]) == "Namespaced",
                ShortNames = (names["shortNames"] as JsonArray)?.Select(Json.Str).OfType<string>().ToList() ?? [],
                Categories = (names["categories"] as JsonArray)?.Select(Json.Str).OfType<string>().ToList() ?? [],
                HasStatusSubresource = hasStatus,
                DropStatusOnCreate = hasStatus,
                TracksGeneration = true,
                RequireResourceVersionOnUpdate = true,
                IsCustom = true,
                ReturnDeletedObject = true,
                CrdName = Json.Name(crd),
                Schema = v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
                Columns = columns,
                Preferred = version == preferred,
            });
        }

        return types;
    }

    /// <summary>Kubernetes version priority: GA before beta before alpha, higher numbers first, others last by name.</summary>
    public static int CompareVersions(string a, string b)
    {
        static (int Rank, int Major, int Minor) Key(string v)
        {
            var m = KubeVersion().Match(v);
            if (!m.Success)
            {
                return (3, 0, 0);
            }

            var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var stage = m.Groups[2].Value;
            var minor = m.Groups[3].Success && m.Groups[3].Value.Length > 0 ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            return (stage switch { "" => 0, "beta" => 1, _ => 2 }, major, minor);
        }

        var ka = Key(a);
        var kb = Key(b);
        if (ka.Rank != kb.Rank)
        {
            return ka.Rank.CompareTo(kb.Rank);
        }

        if (ka.Rank == 3)
        {
            return string.CompareOrdinal(a, b);
        }

        return ka.Major != kb.Major ? kb.Major.CompareTo(ka.Major) : kb.Minor.CompareTo(ka.Minor);
    }

    [GeneratedRegex("^v([0-9]+)(?:(alpha|beta)([0-9]*))?$")]
    private static partial Regex KubeVersion();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex LowerLabel();
}
