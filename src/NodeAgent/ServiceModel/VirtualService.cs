namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>
/// A virtual service and its settings, as IPVS_CMD_NEW_SERVICE / SET_SERVICE carry them.
/// Defaults are ipvsadm's: scheduler "wlc", no flags, timeout 0, full-length persistence netmask.
/// </summary>
public sealed record VirtualService(ServiceKey Key)
{
    /// <summary>ipvsadm's default scheduler.</summary>
    public const string DefaultScheduler = "wlc";

    /// <summary>ipvsadm's persistence timeout when -p is given without a value (seconds).</summary>
    public const uint DefaultPersistenceTimeout = 360;

    /// <summary>Scheduler name (rr, wrr, lc, wlc, sh, dh, ...).</summary>
    public string Scheduler { get; init; } = DefaultScheduler;

    /// <summary>Service flags. <see cref="ServiceFlags.Hashed"/> is never part of a desired or decoded service.</summary>
    public ServiceFlags Flags { get; init; }

    /// <summary>Persistence timeout in seconds (IPVS_SVC_ATTR_TIMEOUT); meaningful with <see cref="ServiceFlags.Persistent"/>.</summary>
    public uint PersistenceTimeout { get; init; }

    /// <summary>
    /// Persistence granularity as a prefix length (0..32 or 0..128); defaults to the full length.
    /// A kernel dump with a non-contiguous IPv4 mask decodes to -1, which equals no valid setting.
    /// </summary>
    public int NetmaskPrefixLength { get; init; } = Key.MaxPrefixLength;

    /// <summary>Persistence engine (IPVS_SVC_ATTR_PE_NAME, e.g. "sip"), or null for none.</summary>
    public string? PersistenceEngine { get; init; }

    public bool IsPersistent => (Flags & ServiceFlags.Persistent) != 0;
}
