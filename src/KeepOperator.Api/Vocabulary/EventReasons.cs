namespace KeepOperator.Api.Vocabulary;

/// <summary>
/// The reasons of the Events the operator records (besides these, a condition turning True is recorded with the
/// condition type as reason), and Kubernetes' two Event types.
/// </summary>
public static class EventReasons
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    /// <summary>A VirtualIp's master changed (or it lost its master).</summary>
    public const string MasterChanged = "MasterChanged";

    /// <summary>A node's instance became Master (one Event per transition the agents report).</summary>
    public const string BecameMaster = "BecameMaster";

    /// <summary>A node's instance became Backup.</summary>
    public const string BecameBackup = "BecameBackup";

    /// <summary>A node's instance went to Fault (a Warning).</summary>
    public const string Fault = "Fault";
}
