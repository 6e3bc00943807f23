using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepOperator.Api.Json;

/// <summary>TimeSpan as a Go duration string ("1s", "50ms"), as Kubernetes objects write durations.</summary>
public sealed class GoDurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && GoDuration.TryParse(reader.GetString(), out var value)
            ? value
            : throw new JsonException("expected a duration string such as \"1s\" or \"50ms\"");

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(GoDuration.Format(value));
}
