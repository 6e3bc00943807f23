using KeepOperator.Api;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The virtual servers that resolved, and per refused one (its index in the input) why.</summary>
public sealed record VirtualServerSetResolution(IReadOnlyList<VirtualServerDefinition> Definitions, IReadOnlyList<(int Index, FieldError Error)> Errors);
