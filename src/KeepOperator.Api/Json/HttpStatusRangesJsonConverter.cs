using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepOperator.Api.Json;

/// <summary><see cref="HttpStatusRanges"/> as its text ("200-299,301").</summary>
public sealed class HttpStatusRangesJsonConverter : JsonConverter<HttpStatusRanges>
{
    public override HttpStatusRanges Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && HttpStatusRanges.TryParse(reader.GetString(), out var value, out _)
            ? value
            : throw new JsonException("expected status codes and ranges such as \"200-299\"");

    public override void Write(Utf8JsonWriter writer, HttpStatusRanges value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
