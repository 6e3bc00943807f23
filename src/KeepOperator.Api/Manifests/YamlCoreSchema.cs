using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Api.Manifests;

/// <summary>
/// YAML to JSON under the YAML 1.2 core schema: a plain scalar is null, a boolean, an integer or a float when it looks
/// like one ("~", "true", "0x1F", "1.5"); quoted and block scalars, and everything else, are strings.
/// Records the line of each node by field path so errors can point at it.
/// </summary>
internal static partial class YamlCoreSchema
{
    private const int MaxDepth = 64;
    private const int MaxNodes = 200_000; // alias expansion guard ("billion laughs")

    private const string TagStr = "tag:yaml.org,2002:str";
    private const string TagInt = "tag:yaml.org,2002:int";
    private const string TagFloat = "tag:yaml.org,2002:float";
    private const string TagBool = "tag:yaml.org,2002:bool";
    private const string TagNull = "tag:yaml.org,2002:null";
    private const string TagMap = "tag:yaml.org,2002:map";
    private const string TagSeq = "tag:yaml.org,2002:seq";

    public sealed class Conversion
    {
        public Dictionary<string, Mark> Marks { get; } = new(StringComparer.Ordinal);

        public List<FieldError> Errors { get; } = [];

        internal int Nodes { get; set; }

        /// <summary>Line (1-based) of the node at <paramref name="path"/> or its nearest recorded ancestor.</summary>
        public int? LineOf(string path)
        {
            for (string? p = path; p is not null; p = FieldPath.Parent(p))
            {
                if (Marks.TryGetValue(p, out var mark))
                {
                    return (int)mark.Line;
                }
            }

            return null;
        }
    }

    public static JsonNode? ToJson(YamlNode node, Conversion conversion) => Convert(node, "", 0, conversion);

    /// <summary>True when a plain (unquoted) scalar with this text would not be read back as this string.</summary>
    public static bool NeedsQuotes(string value) =>
        value.Length == 0 || ResolvePlain(value, out _) is not PlainKind.String;

    private static JsonNode? Convert(YamlNode node, string path, int depth, Conversion c)
    {
        c.Marks.TryAdd(path, node.Start);
        if (++c.Nodes > MaxNodes || depth > MaxDepth)
        {
            if (c.Nodes == MaxNodes + 1 || depth == MaxDepth + 1)
            {
                c.Errors.Add(new(path, "document too large or too deeply nested (aliases expanded)"));
            }

            return null;
        }

        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        switch (node)
        {
            case YamlMappingNode mapping:
                if (tag is not null and not TagMap)
                {
                    c.Errors.Add(new(path, $"unsupported tag {tag} on a mapping"));
                }

                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        c.Errors.Add(new(path, $"mapping keys must be strings (line {keyNode.Start.Line})"));
                        continue;
                    }

                    var childPath = FieldPath.Member(path, key);
                    if (obj.ContainsKey(key))
                    {
                        c.Errors.Add(new(childPath, "duplicate key"));
                        continue;
                    }

                    obj[key] = Convert(valueNode, childPath, depth + 1, c);
                }

                return obj;

            case YamlSequenceNode sequence:
                if (tag is not null and not TagSeq)
                {
                    c.Errors.Add(new(path, $"unsupported tag {tag} on a list"));
                }

                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, FieldPath.Index(path, index++), depth + 1, c));
                }

                return array;

            case YamlScalarNode scalar:
                return ConvertScalar(scalar, tag, path, c);

            default:
                c.Errors.Add(new(path, "unsupported YAML node"));
                return null;
        }
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar, string? tag, string path, Conversion c)
    {
        var value = scalar.Value ?? "";
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        switch (tag)
        {
            case null:
                return plain ? FromPlain(value) : JsonValue.Create(value);
            case "!" or TagStr:
                return JsonValue.Create(value);
            case TagNull:
                return null;
            case TagBool or TagInt or TagFloat:
                var node = FromPlain(value);
                var kind = ResolvePlain(value, out _);
                var matches = tag switch
                {
                    TagBool => kind == PlainKind.Bool,
                    TagInt => kind == PlainKind.Int,
                    _ => kind is PlainKind.Int or PlainKind.Float,
                };
                if (!matches)
                {
                    c.Errors.Add(new(path, $"\"{value}\" is not a valid {tag["tag:yaml.org,2002:".Length..]}"));
                    return null;
                }

                return node;
            default:
                c.Errors.Add(new(path, $"unsupported tag {tag}"));
                return null;
        }
    }

    private enum PlainKind
    {
        String,
        Null,
        Bool,
        Int,
        Float,
    }

    private static JsonNode? FromPlain(string value)
    {
        switch (ResolvePlain(value, out var integer))
        {
            case PlainKind.Null:
                return null;
            case PlainKind.Bool:
                return JsonValue.Create(value[0] is 't' or 'T');
            case PlainKind.Int:
                return integer >= long.MinValue && integer <= long.MaxValue
                    ? JsonValue.Create((long)integer)
                    : JsonNode.Parse(integer.ToString(CultureInfo.InvariantCulture));
            case PlainKind.Float:
                return JsonValue.Create(ParseFloat(value));
            default:
                return JsonValue.Create(value);
        }
    }

    private static PlainKind ResolvePlain(string value, out BigInteger integer)
    {
        integer = BigInteger.Zero;
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return PlainKind.Null;
            case "true" or "True" or "TRUE" or "false" or "False" or "FALSE":
                return PlainKind.Bool;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF" or ".nan" or ".NaN" or ".NAN":
                return PlainKind.Float;
        }

        if (DecimalInt().IsMatch(value))
        {
            integer = BigInteger.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return PlainKind.Int;
        }

        if (OctalInt().IsMatch(value))
        {
            foreach (var ch in value.AsSpan(2))
            {
                integer = (integer * 8) + (ch - '0');
            }

            return PlainKind.Int;
        }

        if (HexInt().IsMatch(value))
        {
            integer = BigInteger.Parse("0" + value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            return PlainKind.Int;
        }

        return CoreFloat().IsMatch(value) ? PlainKind.Float : PlainKind.String;
    }

    /// <summary>JSON has no infinities or NaN; no field of ours takes a float, so those only need to read as numbers.</summary>
    private static double ParseFloat(string value)
    {
        var lower = value.ToLowerInvariant();
        if (lower.EndsWith(".inf", StringComparison.Ordinal))
        {
            return lower.StartsWith('-') ? double.MinValue : double.MaxValue;
        }

        if (lower == ".nan")
        {
            return 0d;
        }

        var number = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(number) ? number : double.IsNegative(number) ? double.MinValue : double.MaxValue;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    private static partial Regex DecimalInt();

    [GeneratedRegex(@"^0o[0-7]+\z")]
    private static partial Regex OctalInt();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+\z")]
    private static partial Regex HexInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex CoreFloat();
}
