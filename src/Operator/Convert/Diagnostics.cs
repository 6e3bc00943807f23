namespace KeepOperator.Operator.Convert;

/// <summary>Collects the converter's messages in the order they were found.</summary>
public sealed class Diagnostics
{
    private readonly List<ConvertDiagnostic> all = [];

    public IReadOnlyList<ConvertDiagnostic> All => all;

    public bool HasErrors => all.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceLocation? location, string message) => all.Add(new(DiagnosticSeverity.Error, location, message));

    public void Warning(SourceLocation? location, string message) => all.Add(new(DiagnosticSeverity.Warning, location, message));

    public void Note(SourceLocation? location, string message) => all.Add(new(DiagnosticSeverity.Note, location, message));
}
