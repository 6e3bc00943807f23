using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>A printer column as a CRD declares it (additionalPrinterColumns) or a built-in table uses.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0, string Format = "")
{
    /// <summary>For built-in tables: computes the cell from the object instead of a JSONPath.</summary>
    public Func<JsonObject, JsonNode?>? Compute { get; init; }
}

/// <summary>One served resource at one group/version: what discovery, routing, storage and validation need to know.</summary>
public sealed class ResourceType
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public string ListKind => Kind + "List";

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Whether the type has a /status subresource: then main-resource writes keep the stored status.</summary>
    public bool HasStatusSubresource { get; init; }

    /// <summary>Custom resources drop status on create when the status subresource is on; built-ins such as Node keep it.</summary>
    public bool DropStatusOnCreate { get; init; }

    /// <summary>Whether metadata.generation is kept and bumped on spec changes.</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>PUT needs metadata.resourceVersion (custom resources); built-ins allow unconditional updates.</summary>
    public bool RequireResourceVersionOnUpdate { get; init; }

    /// <summary>PUT of a missing object creates it (Events do, most types don't).</summary>
    public bool AllowCreateOnUpdate { get; init; }

    public bool IsCustom { get; init; }

    /// <summary>
    /// Whether an immediate DELETE answers with the deleted object (custom resources, CRDs, Pods, Namespaces, Services)
    /// or, like most built-in registries, with a Status of Success.
    /// </summary>
    public bool ReturnDeletedObject { get; init; }

    /// <summary>The CRD this type comes from (its metadata.name), when custom.</summary>
    public string? CrdName { get; init; }

    /// <summary>The structural openAPIV3Schema of a custom resource version; null for built-ins.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>The printer columns after NAME; empty means the default.</summary>
    public IReadOnlyList<PrinterColumn> Columns { get; init; } = [];

    /// <summary>Built-ins tables that don't start with NAME (core Events) set this to false.</summary>
    public bool NameColumnFirst { get; init; } = true;

    /// <summary>Where objects live in the store; two types share storage when they are versions of the same resource.</summary>
    public string StorageKey => StorageKeyOverride ?? $"{Group}/{Plural}";

    public string? StorageKeyOverride { get; init; }

    /// <summary>Rewrites a stored object into this type's shape (events.k8s.io vs core Events) and back.</summary>
    public IObjectConverter? Converter { get; init; }

    /// <summary>Kubernetes-style minimal OpenAPI schema for built-ins (served for explain and apply).</summary>
    public JsonObject? BuiltinSchema { get; init; }

    /// <summary>Whether the preferred version of a CRD (the first served one in the CRD's list).</summary>
    public bool Preferred { get; init; } = true;

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public string UrlPrefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    public IReadOnlyList<string> Verbs => ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public override string ToString() => $"{GroupVersion}/{Plural}";
}

/// <summary>Maps an object between its stored shape and the shape of one served version.</summary>
public interface IObjectConverter
{
    JsonObject ToServed(JsonObject stored);

    JsonObject ToStored(JsonObject served);
}
