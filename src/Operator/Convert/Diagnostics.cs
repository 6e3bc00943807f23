namespace KeepOperator.Operator.Convert;

/// <summary>
/// Collects the converter's messages in the order they were found, each once: a file with conditional lines is read
/// once per config id, and what is wrong in a line shared by them is said once.
/// </summary>
public sealed class Diagnostics
{
    private readonly List<ConvertDiagnostic> all = [];
    private readonly HashSet<ConvertDiagnostic> seen = [];

    public IReadOnlyList<ConvertDiagnostic> All => all;

    public bool HasErrors => all.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceLocation? location, string message) => Add(new(DiagnosticSeverity.Error, location, message));

    public void Warning(SourceLocation? location, string message) => Add(new(DiagnosticSeverity.Warning, location, message));

    public void Note(SourceLocation? location, string message) => Add(new(DiagnosticSeverity.Note, location, message));

    private void Add(ConvertDiagnostic diagnostic)
    {
        if (seen.Add(diagnostic))
        {
            all.Add(diagnostic);
        }
    }
}
