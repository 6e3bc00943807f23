namespace KeepOperator.Api;

/// <summary>
/// The subset of Kubernetes' <c>metav1.ObjectMeta</c> this project reads and writes.
/// Fields the API server adds beyond these (managedFields, ownerReferences, ...) are skipped by
/// <see cref="ApiJsonContext.Default"/> and refused in standalone manifests (<see cref="ApiJsonContext.Strict"/>).
/// </summary>
public sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public long? Generation { get; set; }

    /// <summary>RFC 3339, second precision, as Kubernetes writes it.</summary>
    public DateTimeOffset? CreationTimestamp { get; set; }
}

/// <summary>What every top-level document (VirtualIp, later VirtualServer) has.</summary>
public interface IManifestObject
{
    string ApiVersion { get; }

    string Kind { get; }

    ObjectMeta Metadata { get; }
}
