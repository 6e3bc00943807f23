using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepOperator.Api.Json;

/// <summary>An IP address as its text ("10.0.0.2", "2001:db8::2"), parsed as strictly as the validator's addresses (no prefix, no zone).</summary>
public sealed class IpAddressJsonConverter : JsonConverter<IPAddress>
{
    public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && VirtualIpValidator.TryParseAddress(reader.GetString(), out var address, out _, out var hasPrefix) && !hasPrefix
            ? address
            : throw new JsonException("expected an IP address such as \"10.0.0.2\"");

    public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
