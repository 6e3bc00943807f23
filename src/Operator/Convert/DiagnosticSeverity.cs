namespace KeepOperator.Operator.Convert;

public enum DiagnosticSeverity
{
    /// <summary>Something converted differently from how keepalived reads it, worth knowing.</summary>
    Note,

    /// <summary>Something not converted (no equivalent, unknown keyword, ignored words).</summary>
    Warning,

    /// <summary>The configuration cannot be converted (syntax, invalid values); nothing is printed.</summary>
    Error,
}
