using System.Text.Json.Serialization.Metadata;

namespace KeepOperator.Api;

/// <summary>
/// How the API server knows one of our kinds: the names, scope and categories its CustomResourceDefinition
/// (deploy/crds/) declares, and the JSON metadata of the C# type the schema describes. Clients build resource
/// URLs from it; a test holds it and the CRD files together.
/// </summary>
public sealed class ResourceDefinition
{
    public const string Category = "keepoperator";

    /// <param name="namespaced">True for namespaced resources, false for cluster-scoped ones.</param>
    public ResourceDefinition(string kind, string plural, bool namespaced, IReadOnlyList<string> shortNames, JsonTypeInfo typeInfo)
    {
        Kind = kind;
        Plural = plural;
        Namespaced = namespaced;
        ShortNames = shortNames;
        TypeInfo = typeInfo;
    }

    public string Kind { get; }

    public string Plural { get; }

    public bool Namespaced { get; }

    public IReadOnlyList<string> ShortNames { get; }

    /// <summary>From <see cref="ApiJsonContext.Default"/>.</summary>
    public JsonTypeInfo TypeInfo { get; }

    public string Group => VirtualIp.Group;

    public string Version => VirtualIp.Version;

    public string ApiVersion => VirtualIp.GroupVersion;

    /// <summary>kubectl's singular name: the kind in lower case.</summary>
    public string Singular => Kind.ToLowerInvariant();

    /// <summary>The CustomResourceDefinition's metadata.name.</summary>
    public string CrdName => Plural + "." + Group;

    public IReadOnlyList<string> Categories { get; } = [Category];
}
