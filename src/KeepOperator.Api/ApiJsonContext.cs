using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using KeepOperator.Api.Json;

namespace KeepOperator.Api;

/// <summary>
/// Source-generated System.Text.Json metadata for the API types (NativeAOT-friendly: no reflection).
/// camelCase names, nulls omitted, timestamps as RFC 3339 and durations as Go durations, like Kubernetes; IP addresses as text.
/// <see cref="Default"/> skips unknown members (reading from an API server, which may know newer fields);
/// <see cref="Strict"/> refuses them (standalone manifests: a typo must not be silently ignored).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    AllowOutOfOrderMetadataProperties = true, // an API server sorts keys: a type discriminator need not come first
    Converters = [typeof(Rfc3339TimestampConverter), typeof(GoDurationJsonConverter), typeof(IPAddressJsonConverter)])]
[JsonSerializable(typeof(VirtualIp))]
[JsonSerializable(typeof(List<VirtualIp>))]
[JsonSerializable(typeof(VirtualServer))]
[JsonSerializable(typeof(NodeAgentConfig))]
[JsonSerializable(typeof(Pools.VirtualIpPool))]
[JsonSerializable(typeof(NodeAgentConfigStatus))]
[JsonSerializable(typeof(Instances.VrrpInstance))]
[JsonSerializable(typeof(Services.VirtualServerInstance))]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
    private static ApiJsonContext? strict;

    /// <summary>Same metadata as <see cref="Default"/>, but an unknown member is an error.</summary>
    public static ApiJsonContext Strict => strict ??= new ApiJsonContext(CreateOptions(JsonUnmappedMemberHandling.Disallow));

    private static JsonSerializerOptions CreateOptions(JsonUnmappedMemberHandling unmapped) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = unmapped,
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new Rfc3339TimestampConverter(), new GoDurationJsonConverter(), new IPAddressJsonConverter() },
    };
}

/// <summary>Kubernetes' metav1.Time: RFC 3339 in UTC, second precision ("2024-05-01T12:00:00Z").</summary>
public sealed class Rfc3339TimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("expected an RFC 3339 timestamp string");
        }

        var text = reader.GetString()!;
        if (!TryParse(text, out var value))
        {
            throw new JsonException($"expected an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got \"{text}\"");
        }

        return value;
    }

    /// <summary>Accepts RFC 3339 date-times ("2024-05-01T12:00:00Z", "2024-05-01T14:00:00.5+02:00"), not bare dates.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is { Length: >= 20 }
            && (text[10] is 'T' or 't')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture));
}
