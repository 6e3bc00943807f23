namespace KeepOperator.Api.Vocabulary;

/// <summary>
/// The states agents report for an instance (NodeAgentConfig status) and the operator shows per node (VirtualIp status):
/// RFC 5798's Master and Backup, keepalived's FAULT, and what only a report can say.
/// </summary>
public static class VrrpStateNames
{
    public const string Master = "Master";
    public const string Backup = "Backup";

    /// <summary>Kept from Master and Backup: a tracked check with weight 0 fails, or the interface is down.</summary>
    public const string Fault = "Fault";

    /// <summary>The agent runs no instance for it (shutting down, or it could not start).</summary>
    public const string Stopped = "Stopped";

    /// <summary>The node has not reported, or its report is stale.</summary>
    public const string Unknown = "Unknown";

    public static IReadOnlyList<string> All { get; } = [Master, Backup, Fault, Stopped, Unknown];
}
