using System.Text.Json.Serialization;

namespace KeepOperator.Api.Manifests;

/// <summary>Primitive metadata the manifest code needs without reflection.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
