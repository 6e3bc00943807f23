using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepOperator.Api.Json;

/// <summary>An <see cref="IPAddress"/> as its text ("10.0.0.5", "2001:db8::5"): a host address, no prefix length.</summary>
public sealed class IPAddressJsonConverter : JsonConverter<IPAddress>
{
    public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && VirtualIpValidator.TryParseAddress(reader.GetString(), out var address, out _, out var hasPrefix) && !hasPrefix
            ? address
            : throw new JsonException("expected an IP address such as \"10.0.0.5\" or \"2001:db8::5\"");

    public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
