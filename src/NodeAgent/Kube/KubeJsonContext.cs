using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// Source-generated JSON for the few API envelopes the agent reads (NativeAOT: no reflection). Objects inside them stay
/// <see cref="JsonElement"/> and are read with KeepOperator.Api's own context.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KubeList))]
[JsonSerializable(typeof(KubeWatchEvent))]
[JsonSerializable(typeof(KubeStatus))]
[JsonSerializable(typeof(KubeSecret))]
internal sealed partial class KubeJsonContext : JsonSerializerContext;

/// <summary>Any list answer: its resourceVersion and items.</summary>
internal sealed class KubeList
{
    public KubeListMeta Metadata { get; set; } = new();

    public List<JsonElement> Items { get; set; } = [];
}

internal sealed class KubeListMeta
{
    public string? ResourceVersion { get; set; }
}

/// <summary>One line of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (then the object is a Status).</summary>
internal sealed class KubeWatchEvent
{
    public string Type { get; set; } = "";

    public JsonElement Object { get; set; }
}

/// <summary>metav1.Status: what the API server answers on errors.</summary>
internal sealed class KubeStatus
{
    public int Code { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}

/// <summary>The part of a core/v1 Secret the agent reads: base64 data.</summary>
internal sealed class KubeSecret
{
    public Dictionary<string, string>? Data { get; set; }
}
