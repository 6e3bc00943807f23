namespace KeepOperator.Operator.Convert;

/// <summary>A word (quotes removed), a brace, or the end of a line.</summary>
public readonly record struct ConfigToken(ConfigTokenKind Kind, string Text, SourceLocation Location);
