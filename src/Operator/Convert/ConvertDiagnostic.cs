namespace KeepOperator.Operator.Convert;

/// <summary>One message of the converter, e.g. <c>lb01.conf:29: warning: notify_master has no equivalent ...</c>.</summary>
public sealed record ConvertDiagnostic(DiagnosticSeverity Severity, SourceLocation? Location, string Message)
{
    public override string ToString()
    {
        var severity = Severity.ToString().ToLowerInvariant();
        return Location is { } location ? $"{location}: {severity}: {Message}" : $"{severity}: {Message}";
    }
}
