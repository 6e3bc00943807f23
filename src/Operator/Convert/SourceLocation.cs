using System.Globalization;

namespace KeepOperator.Operator.Convert;

/// <summary>A line of a keepalived configuration file, as diagnostics name it ("FILE:LINE").</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}");
}
