using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace KeepOperator.Api.Manifests;

/// <summary>
/// One kind of document a manifest may hold: its apiVersion/kind, its JSON metadata and its validator.
/// Adding a kind is a new <see cref="ManifestKind{T}"/> in <see cref="ManifestKinds.All"/>.
/// </summary>
public abstract class ManifestKind
{
    private protected ManifestKind(string apiVersion, string kind)
    {
        ApiVersion = apiVersion;
        Kind = kind;
    }

    public string ApiVersion { get; }

    public string Kind { get; }

    public abstract Type ObjectType { get; }

    /// <summary>Metadata used to check and read documents (unknown members refused).</summary>
    internal abstract JsonTypeInfo TypeInfo { get; }

    public abstract IReadOnlyList<FieldError> Validate(IManifestObject resource, ValidationMode mode);

    internal IManifestObject? Deserialize(JsonNode node) => (IManifestObject?)node.Deserialize(TypeInfo);

    internal JsonNode? Serialize(IManifestObject resource) => JsonSerializer.SerializeToNode(resource, TypeInfo);
}

public sealed class ManifestKind<T> : ManifestKind
    where T : class, IManifestObject
{
    private readonly JsonTypeInfo<T> typeInfo;
    private readonly Func<T, ValidationMode, IReadOnlyList<FieldError>> validate;

    /// <param name="typeInfo">From <see cref="ApiJsonContext.Strict"/>, so unknown fields are errors.</param>
    public ManifestKind(string apiVersion, string kind, JsonTypeInfo<T> typeInfo, Func<T, ValidationMode, IReadOnlyList<FieldError>> validate)
        : base(apiVersion, kind)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(validate);
        this.typeInfo = typeInfo;
        this.validate = validate;
    }

    public override Type ObjectType => typeof(T);

    internal override JsonTypeInfo TypeInfo => typeInfo;

    public override IReadOnlyList<FieldError> Validate(IManifestObject resource, ValidationMode mode) => validate((T)resource, mode);
}

/// <summary>The kinds this project knows.</summary>
public static class ManifestKinds
{
    public static ManifestKind<VirtualIp> VirtualIp { get; } =
        new(Api.VirtualIp.GroupVersion, Api.VirtualIp.KindName, ApiJsonContext.Strict.VirtualIp, VirtualIpValidator.Validate);

    public static ManifestKind<VirtualServer> VirtualServer { get; } =
        new(Api.VirtualIp.GroupVersion, Api.VirtualServer.KindName, ApiJsonContext.Strict.VirtualServer, VirtualServerValidator.Validate);

    public static IReadOnlyList<ManifestKind> All { get; } = [VirtualIp, VirtualServer];
}
