using System.Diagnostics.CodeAnalysis;
using System.IO.Enumeration;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>Configuration files held in memory, keyed by path.</summary>
internal sealed class InMemoryConfigFiles(Dictionary<string, string> files) : IConfigFileSource
{
    public bool TryRead(string path, [NotNullWhen(true)] out string? text, out string error)
    {
        error = files.TryGetValue(path, out text) ? "" : "No such file or directory";
        return text is not null;
    }

    public IReadOnlyList<string> Glob(string pattern) =>
        files.Keys.Where(path => FileSystemName.MatchesSimpleExpression(pattern, path, ignoreCase: false)).Order(StringComparer.Ordinal).ToList();

    public static ConversionResult Convert(Dictionary<string, string> files, Dictionary<string, string>? nodeNames = null) =>
        KeepalivedConverter.Convert(files.Keys.Where(k => !k.Contains("inc", StringComparison.Ordinal)).ToList(), nodeNames ?? [], new InMemoryConfigFiles(files));
}
