namespace KeepOperator.Api;

/// <summary>One problem with one field. <paramref name="Path"/> is a JSON path without "$.", e.g. "spec.priorities[0].priority".</summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>Which rules apply: a cluster fills in some fields (VRID, secrets) that a standalone file must give itself.</summary>
public enum ValidationMode
{
    /// <summary>Read by the operator from the API server: virtualRouterId optional, passwordSecretRef allowed.</summary>
    Cluster,

    /// <summary>Read by the agent from a file: virtualRouterId required, passwordSecretRef refused, pods checks ignored.</summary>
    Standalone,
}
