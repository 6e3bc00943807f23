using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepOperator.Api.Instances;

/// <summary>A <see cref="VirtualAddress"/> as "address/prefix".</summary>
public sealed class VirtualAddressJsonConverter : JsonConverter<VirtualAddress>
{
    public override VirtualAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && VirtualIpValidator.TryParseAddress(reader.GetString(), out var address, out var prefixLength, out _)
            ? new VirtualAddress(address, prefixLength)
            : throw new JsonException("expected an address with a prefix length such as \"10.0.0.5/32\"");

    public override void Write(Utf8JsonWriter writer, VirtualAddress value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
