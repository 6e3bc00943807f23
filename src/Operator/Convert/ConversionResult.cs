using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>The converted documents as YAML (empty when there are errors) and every message, in the order found.</summary>
public sealed record ConversionResult(string Yaml, IReadOnlyList<VirtualIp> VirtualIps, IReadOnlyList<VirtualServer> VirtualServers, IReadOnlyList<ConvertDiagnostic> Diagnostics)
{
    public bool Succeeded => Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
}
