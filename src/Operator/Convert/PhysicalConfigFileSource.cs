using System.Diagnostics.CodeAnalysis;
using System.IO.Enumeration;

namespace KeepOperator.Operator.Convert;

/// <summary>Reads configuration files from the disk.</summary>
public sealed class PhysicalConfigFileSource : IConfigFileSource
{
    public static PhysicalConfigFileSource Instance { get; } = new();

    public bool TryRead(string path, [NotNullWhen(true)] out string? text, out string error)
    {
        try
        {
            text = File.ReadAllText(path);
            error = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            text = null;
            error = e.Message;
            return false;
        }
    }

    public IReadOnlyList<string> Glob(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!HasWildcard(pattern))
        {
            return File.Exists(pattern) ? [pattern] : [];
        }

        var root = Path.GetPathRoot(pattern) ?? "";
        IEnumerable<string> candidates = [root];
        var segments = pattern[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            candidates = candidates.SelectMany(directory => Expand(directory, segment)).ToList();
        }

        return candidates.Where(File.Exists).Order(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Expand(string directory, string segment)
    {
        if (!HasWildcard(segment))
        {
            return [Path.Combine(directory, segment)];
        }

        var enumerated = directory.Length == 0 ? "." : directory;
        if (!Directory.Exists(enumerated))
        {
            return [];
        }

        try
        {
            // glob(3) leaves dot files out unless the pattern itself starts with a dot.
            return Directory.EnumerateFileSystemEntries(enumerated)
                .Select(Path.GetFileName)
                .Where(name => name is not null && (name[0] != '.' || segment[0] == '.') && FileSystemName.MatchesSimpleExpression(segment, name, ignoreCase: false))
                .Select(name => Path.Combine(directory, name!))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // glob(3) as keepalived calls it (no GLOB_ERR) passes over a directory it cannot read.
            return [];
        }
    }

    private static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;
}
