using System.Globalization;
using System.Text;

namespace KeepOperator.Api.Manifests;

/// <summary>
/// One problem in a manifest, e.g.
/// <c>web.yaml: VirtualIp "web" (document 1): spec.priorities[0].priority: must be between 1 and 254, got 300 (line 14)</c>.
/// </summary>
/// <param name="Source">The file name (or whatever name the text was read under).</param>
/// <param name="Document">1-based index of the YAML document in the stream; null for a stream-level (syntax) error.</param>
/// <param name="Kind">The document's kind when known.</param>
/// <param name="Name">The document's metadata.name when known.</param>
/// <param name="Path">Field path, "" for the whole document.</param>
/// <param name="Line">1-based line of the field (or its nearest parent) when known.</param>
/// <param name="Column">1-based column, given for syntax errors.</param>
public sealed record ManifestError(
    string Source,
    int? Document,
    string? Kind,
    string? Name,
    string Path,
    string Message,
    int? Line = null,
    int? Column = null)
{
    public override string ToString()
    {
        var sb = new StringBuilder(Source).Append(": ");
        if (Document is { } index)
        {
            if (Kind is not null)
            {
                sb.Append(Kind).Append(' ');
            }

            if (Name is not null)
            {
                sb.Append('"').Append(Name).Append("\" ");
            }

            sb.Append(CultureInfo.InvariantCulture, $"(document {index}): ");
        }
        else if (Line is { } syntaxLine)
        {
            sb.Append(CultureInfo.InvariantCulture, $"line {syntaxLine}");
            if (Column is { } column)
            {
                sb.Append(CultureInfo.InvariantCulture, $", column {column}");
            }

            sb.Append(": ");
        }

        if (Path.Length > 0)
        {
            sb.Append(Path).Append(": ");
        }

        sb.Append(Message);
        if (Document is not null && Line is { } line)
        {
            sb.Append(CultureInfo.InvariantCulture, $" (line {line})");
        }

        return sb.ToString();
    }
}

/// <summary>A manifest (or a configuration built from one) was refused; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ManifestException : Exception
{
    public ManifestException(IReadOnlyList<ManifestError> errors)
        : base(FormatMessage(errors))
    {
        Errors = errors;
    }

    public ManifestException()
        : this([])
    {
    }

    public ManifestException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<ManifestError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<ManifestError> errors) => errors.Count switch
    {
        0 => "invalid manifest",
        1 => errors[0].ToString(),
        _ => $"{errors.Count} errors:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e)),
    };
}

/// <summary>A document read from a manifest, with where it came from.</summary>
/// <param name="Document">1-based index of the YAML document in the stream.</param>
/// <param name="Line">1-based line where the document starts.</param>
public sealed record ManifestDocument(string Source, int Document, int Line, IManifestObject Object)
{
    public string Kind => Object.Kind;

    public string? Name => Object.Metadata?.Name;

    /// <summary>Makes an error about this document (e.g. from a later stage such as resolving it on this host).</summary>
    public ManifestError Error(string path, string message) => new(Source, Document, Kind, Name, path, message, LineOf?.Invoke(path) ?? Line);

    internal Func<string, int?>? LineOf { get; init; }
}
