namespace KeepOperator.Api;

/// <summary>Written by the operator.</summary>
public sealed class VirtualIpStatus
{
    /// <summary>The VRID in use (assigned by the operator when the spec leaves it out).</summary>
    public int? VirtualRouterId { get; set; }

    /// <summary>Node currently master, if any.</summary>
    public string? Master { get; set; }

    public List<string>? Backups { get; set; }

    public List<VirtualIpNodeStatus>? Nodes { get; set; }

    /// <summary>metav1.Condition list (Ready, ...).</summary>
    public List<Condition>? Conditions { get; set; }

    public long? ObservedGeneration { get; set; }
}

public sealed class VirtualIpNodeStatus
{
    public string? Name { get; set; }

    /// <summary>Master, Backup, Fault, Stopped or Unknown (see VrrpStateNames).</summary>
    public string? State { get; set; }

    public int? Priority { get; set; }

    public int? EffectivePriority { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    /// <summary>Why the node's instance is in its state, as its agent reports it (the last transition's reason).</summary>
    public string? Message { get; set; }
}

/// <summary>Kubernetes' metav1.Condition.</summary>
public sealed class Condition
{
    public string Type { get; set; } = "";

    /// <summary>"True", "False" or "Unknown".</summary>
    public string Status { get; set; } = "Unknown";

    public long? ObservedGeneration { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}
