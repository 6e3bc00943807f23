using System.Text.Json;
using System.Text.RegularExpressions;
using KeepOperator.Api;
using KeepOperator.Api.Manifests;

namespace KeepOperator.Fuzz;

/// <summary>
/// A VirtualIp or VirtualServer as JSON, the way the operator reads one from the API server (<see cref="ApiJsonContext.Default"/>)
/// or the agent from a manifest (<see cref="ApiJsonContext.Strict"/>), then validated (<see cref="VirtualIpValidator"/>,
/// <see cref="VirtualServerValidator"/>). Input: one flags byte (<see cref="VirtualServerKind"/>, <see cref="StrictMembers"/>,
/// <see cref="StandaloneRules"/>), then the UTF-8 JSON. Deserialisation's one documented error is <see cref="JsonException"/>;
/// a valid object must serialise to JSON that reads back to the same JSON and is valid again. The outcome is
/// <c>JsonException</c>, <c>Null</c>, the first validation error's field path (indices blanked), or Accepted.
/// </summary>
public sealed partial class ApiJsonTarget : IFuzzTarget
{
    public const byte VirtualServerKind = 1;
    public const byte StrictMembers = 2;
    public const byte StandaloneRules = 4;

    public string Name => "api-json";

    public IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. new[]
        {
            "{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "0", "-1", "1e400", "\"1s\"", "\"50ms\"", "\"-1h\"", "\"10.0.0.1/24\"",
            "\"fd00::1\"", "\"2024-05-01T12:00:00Z\"", "\"apiVersion\"", "\"kind\"", "\"metadata\"", "\"name\"", "\"spec\"", "\"status\"",
            "\"addresses\"", "\"virtualRouterId\"", "\"priority\"", "\"advertInterval\"", "\"nodes\"", "\"interface\"", "\"realServers\"",
            "\"port\"", "\"protocol\"", "\"weight\"", "\"scheduler\"", "\"healthCheck\"", "\"virtualIp\"", "\"\\u0000\"",
        }.Select(t => System.Text.Encoding.UTF8.GetBytes(t)),
    ];

    /// <summary>Each document of a manifest (examples/*.yaml) as JSON, under every combination of flags that fits its kind.</summary>
    public IEnumerable<byte[]> SeedsFrom(string path)
    {
        foreach (var document in ManifestReader.ReadFile(path, ValidationMode.Standalone))
        {
            var (kind, json) = document.Object switch
            {
                VirtualIp vip => ((byte)0, JsonSerializer.SerializeToUtf8Bytes(vip, ApiJsonContext.Default.VirtualIp)),
                VirtualServer server => (VirtualServerKind, JsonSerializer.SerializeToUtf8Bytes(server, ApiJsonContext.Default.VirtualServer)),
                _ => (byte.MaxValue, []),
            };
            if (kind == byte.MaxValue)
            {
                continue;
            }
            yield return [kind, .. json];
            yield return [(byte)(kind | StrictMembers | StandaloneRules), .. json];
        }
    }

    public string Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return "Empty";
        }

        var context = (input[0] & StrictMembers) != 0 ? ApiJsonContext.Strict : ApiJsonContext.Default;
        var mode = (input[0] & StandaloneRules) != 0 ? ValidationMode.Standalone : ValidationMode.Cluster;
        var json = input[1..];
        try
        {
            return (input[0] & VirtualServerKind) != 0
                ? Check(json, context.VirtualServer, server => VirtualServerValidator.Validate(server, mode))
                : Check(json, context.VirtualIp, vip => VirtualIpValidator.Validate(vip, mode));
        }
        catch (JsonException)
        {
            return nameof(JsonException);
        }
    }

    private static string Check<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, IReadOnlyList<FieldError>> validate)
        where T : class
    {
        var value = JsonSerializer.Deserialize(json, type);
        if (value is null)
        {
            return "Null";
        }

        var errors = validate(value);
        if (errors.Count > 0)
        {
            return "Invalid " + Index().Replace(errors[0].Path, "[N]");
        }

        var written = JsonSerializer.SerializeToUtf8Bytes(value, type);
        var reread = JsonSerializer.Deserialize(written, type);
        FuzzOutcome.Require(reread is not null && JsonSerializer.SerializeToUtf8Bytes(reread, type).AsSpan().SequenceEqual(written), "a valid object writes JSON that reads back the same");
        FuzzOutcome.Require(validate(reread!).Count == 0, "a valid object is valid again after a round trip");
        return FuzzOutcome.Accepted;
    }

    [GeneratedRegex("\\[[0-9]+\\]")]
    private static partial Regex Index();
}
