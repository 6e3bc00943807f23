using System.Diagnostics.CodeAnalysis;

namespace KeepOperator.Operator.Convert;

/// <summary>Where configuration files and <c>include</c>d files are read from (the disk, or memory in tests).</summary>
public interface IConfigFileSource
{
    bool TryRead(string path, [NotNullWhen(true)] out string? text, out string error);

    /// <summary>The files a shell glob pattern (<c>*</c>, <c>?</c>) matches, sorted as glob(3) sorts them.</summary>
    IReadOnlyList<string> Glob(string pattern);
}
