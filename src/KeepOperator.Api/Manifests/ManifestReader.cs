using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Api.Manifests;

/// <summary>What <see cref="ManifestReader.TryRead(string, string, ValidationMode, IReadOnlyList{ManifestKind}?)"/> found: the good documents and every error.</summary>
public sealed record ManifestReadResult(IReadOnlyList<ManifestDocument> Documents, IReadOnlyList<ManifestError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Reads a multi-document YAML stream of Kubernetes-style documents (as <c>kubectl apply -f</c> takes them).
/// YAML is converted to JSON under the YAML 1.2 core schema, checked against the kind's source-generated metadata
/// (unknown fields, types), deserialized with System.Text.Json and validated. Empty documents are skipped.
/// </summary>
public static partial class ManifestReader
{
    /// <exception cref="ManifestException">Any error; all of them are listed.</exception>
    public static IReadOnlyList<ManifestDocument> ReadFile(string path, ValidationMode mode = ValidationMode.Cluster, IReadOnlyList<ManifestKind>? kinds = null)
    {
        var result = TryReadFile(path, mode, kinds);
        return result.Succeeded ? result.Documents : throw new ManifestException(result.Errors);
    }

    /// <exception cref="ManifestException">Any error; all of them are listed.</exception>
    public static IReadOnlyList<ManifestDocument> Read(string yaml, string sourceName, ValidationMode mode = ValidationMode.Cluster, IReadOnlyList<ManifestKind>? kinds = null)
    {
        var result = TryRead(yaml, sourceName, mode, kinds);
        return result.Succeeded ? result.Documents : throw new ManifestException(result.Errors);
    }

    /// <summary>As <see cref="ReadFile"/> but returns the errors; an unreadable file is an error too.</summary>
    public static ManifestReadResult TryReadFile(string path, ValidationMode mode = ValidationMode.Cluster, IReadOnlyList<ManifestKind>? kinds = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new([], [new ManifestError(path, null, null, null, "", $"cannot read: {e.Message}")]);
        }

        return TryRead(text, path, mode, kinds);
    }

    public static ManifestReadResult TryRead(string yaml, string sourceName, ValidationMode mode = ValidationMode.Cluster, IReadOnlyList<ManifestKind>? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        kinds ??= ManifestKinds.All;

        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            return new([], [SyntaxError(yaml, sourceName, e, parser.Current?.Start)]);
        }

        var documents = new List<ManifestDocument>();
        var errors = new List<ManifestError>();
        var seen = new Dictionary<(string Kind, string? Namespace, string Name), int>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var index = i + 1;
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Tag.IsEmpty: true, Style: ScalarStyle.Plain or ScalarStyle.Any, Value: "" or "~" or "null" or null })
            {
                continue; // empty document ("---" with nothing after it, or only comments)
            }

            var document = ReadDocument(root, sourceName, index, mode, kinds, errors);
            if (document is null)
            {
                continue;
            }

            var key = (document.Kind, document.Object.Metadata.Namespace, document.Name ?? "");
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(document.Error("metadata.name", $"duplicate {document.Kind} \"{document.Name}\" (also document {first})"));
                continue;
            }

            seen.Add(key, index);
            documents.Add(document);
        }

        return new(documents, errors);
    }

    private static ManifestDocument? ReadDocument(YamlNode root, string source, int index, ValidationMode mode, IReadOnlyList<ManifestKind> kinds, List<ManifestError> errors)
    {
        var conversion = new YamlCoreSchema.Conversion();
        var json = YamlCoreSchema.ToJson(root, conversion);
        var line = (int)root.Start.Line;

        string? kindName = null;
        string? name = null;
        if (json is JsonObject top)
        {
            kindName = StringOrNull(top["kind"]);
            name = StringOrNull((top["metadata"] as JsonObject)?["name"]);
        }

        ManifestError Error(string path, string message) =>
            new(source, index, kindName, name, path, message, conversion.LineOf(path) ?? line);

        if (conversion.Errors.Count > 0)
        {
            errors.AddRange(conversion.Errors.Select(e => Error(e.Path, e.Message)));
            return null;
        }

        if (json is not JsonObject obj)
        {
            errors.Add(Error("", $"expected a mapping with apiVersion and kind, got {SchemaCheck.Describe(json)}"));
            return null;
        }

        var apiVersion = StringOrNull(obj["apiVersion"]);
        if (apiVersion is null || kindName is null)
        {
            if (apiVersion is null)
            {
                errors.Add(Error("apiVersion", "required (a string such as \"" + VirtualIp.GroupVersion + "\")"));
            }

            if (kindName is null)
            {
                errors.Add(Error("kind", "required (a string such as \"" + VirtualIp.KindName + "\")"));
            }

            return null;
        }

        var kind = kinds.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kindName);
        if (kind is null)
        {
            var known = string.Join(", ", kinds.Select(k => $"{k.ApiVersion} {k.Kind}"));
            var sameKind = kinds.FirstOrDefault(k => k.Kind == kindName);
            errors.Add(sameKind is not null
                ? Error("apiVersion", $"unknown apiVersion \"{apiVersion}\" for kind {kindName} (expected \"{sameKind.ApiVersion}\")")
                : Error("kind", $"unknown kind \"{kindName}\" in {apiVersion} (known: {known})"));
            return null;
        }

        var fieldErrors = new List<FieldError>();
        SchemaCheck.Check(obj, kind.TypeInfo, "", fieldErrors);
        if (fieldErrors.Count > 0)
        {
            errors.AddRange(fieldErrors.Select(e => Error(e.Path, e.Message)));
            return null;
        }

        IManifestObject? resource;
        try
        {
            resource = kind.Deserialize(obj);
        }
        catch (JsonException e)
        {
            // Backstop: SchemaCheck should have caught this; report System.Text.Json's path and message.
            errors.Add(Error(FieldPath.FromJsonPath(e.Path), UnknownFieldMessage(e) ?? StripPath(e.Message)));
            return null;
        }

        if (resource is null)
        {
            errors.Add(Error("", "empty document"));
            return null;
        }

        var problems = kind.Validate(resource, mode);
        if (problems.Count > 0)
        {
            errors.AddRange(problems.Select(e => Error(e.Path, e.Message)));
            return null;
        }

        return new ManifestDocument(source, index, line, resource) { LineOf = conversion.LineOf };
    }

    private static ManifestError SyntaxError(string yaml, string source, Exception e, Mark? parserPosition)
    {
        string message;
        Mark? mark = null;
        if (e is YamlException yamlException)
        {
            message = MarkPrefix().Replace(yamlException.Message, "");
            if (yamlException.Start.Index > 0 || yamlException.Start.Line > 1 || yamlException.Start.Column > 1)
            {
                mark = yamlException.Start;
            }
        }
        else
        {
            message = "cannot parse the YAML here (an unclosed bracket, brace or quote?)";
        }

        var (line, column) = message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentingTab(yaml) is { } tab
            ? tab
            : ((int)(mark ?? parserPosition ?? Mark.Empty).Line, (int)(mark ?? parserPosition ?? Mark.Empty).Column);
        return new ManifestError(source, null, null, null, "", "YAML syntax error: " + message, line, column);
    }

    /// <summary>YAML forbids tabs in indentation; the parser does not always say where.</summary>
    private static (int Line, int Column)? FirstIndentingTab(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    private static string? StringOrNull(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string? UnknownFieldMessage(JsonException e) =>
        e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) ? "unknown field" : null;

    private static string StripPath(string message)
    {
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();
}
