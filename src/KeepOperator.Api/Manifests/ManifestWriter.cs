using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Api.Manifests;

/// <summary>
/// Writes documents as a YAML stream that <see cref="ManifestReader"/> (and kubectl) read back to the same objects:
/// strings that would otherwise read as another type ("true", "123", "null", "") are quoted, and so are strings that
/// YAML 1.1 readers (kubectl's) would take for booleans or numbers ("yes", "on", "0777", "1_000").
/// </summary>
public static partial class ManifestWriter
{
    public static string Write(IEnumerable<IManifestObject> resources, IReadOnlyList<ManifestKind>? kinds = null)
    {
        var writer = new StringWriter { NewLine = "\n" };
        Write(writer, resources, kinds);
        return writer.ToString();
    }

    public static void Write(TextWriter writer, IEnumerable<IManifestObject> resources, IReadOnlyList<ManifestKind>? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(resources);
        kinds ??= ManifestKinds.All;

        var first = true;
        foreach (var resource in resources)
        {
            var kind = kinds.FirstOrDefault(k => k.ObjectType == resource.GetType())
                ?? throw new ArgumentException($"no manifest kind for {resource.GetType().Name}", nameof(resources));

            // One stream per document, joined with "---" lines (YamlDotNet would end each document with "...").
            var single = new StringWriter { NewLine = "\n" };
            new YamlStream(new YamlDocument(ToYaml(kind.Serialize(resource)))).Save(single, assignAnchors: false);
            var text = single.ToString();
            if (text.EndsWith("...\n", StringComparison.Ordinal))
            {
                text = text[..^4];
            }

            if (!first)
            {
                writer.Write("---\n");
            }

            writer.Write(text);
            first = false;
        }
    }

    private static YamlNode ToYaml(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            case JsonObject obj:
                var mapping = new YamlMappingNode();
                foreach (var (key, child) in obj)
                {
                    mapping.Add(StringScalar(key), ToYaml(child));
                }

                return mapping;
            case JsonArray array:
                var sequence = new YamlSequenceNode();
                foreach (var item in array)
                {
                    sequence.Add(ToYaml(item));
                }

                return sequence;
            default:
                var value = node.AsValue();
                return value.GetValueKind() == JsonValueKind.String
                    ? StringScalar(value.GetValue<string>())
                    : new YamlScalarNode(value.ToJsonString()) { Style = ScalarStyle.Plain };
        }
    }

    // YamlDotNet folds a long plain scalar over several lines, and a folded line holding ": " or " #" no longer
    // parses (found by the round-trip property test): strings with a space, colon or hash are always double-quoted.
    private static YamlScalarNode StringScalar(string value) => new(value)
    {
        Style = YamlCoreSchema.NeedsQuotes(value) || Yaml11NonString().IsMatch(value) || NeedsEscaping(value) || value.AsSpan().IndexOfAny(" :#") >= 0
            ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any,
    };

    /// <summary>Characters that a plain or block scalar cannot carry faithfully.</summary>
    private static bool NeedsEscaping(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u0085' or '\uFEFF')
            {
                return true;
            }
        }

        return value.Trim() != value;
    }

    [GeneratedRegex(@"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*|([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*))\z")]
    private static partial Regex Yaml11NonString();
}
