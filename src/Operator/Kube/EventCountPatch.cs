using System.Text.Json.Serialization;

namespace KeepOperator.Operator.Kube;

/// <summary>The merge patch that counts a repeated Event on the one already recorded.</summary>
public sealed record EventCountPatch(int Count, DateTime LastTimestamp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EventCountPatch))]
internal sealed partial class EventPatchJsonContext : JsonSerializerContext;
