namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>The human reasons carried by <see cref="StateChanged"/>; one constant per kind of transition.</summary>
public static class VrrpTransitionReason
{
    /// <summary>Initialize to Master: the address owner (priority 255) takes over at once.</summary>
    public const string StartupOwner = "startup as address owner (priority 255)";

    /// <summary>Initialize to Backup.</summary>
    public const string Startup = "startup";

    /// <summary>Initialize to Fault: started while the interface is down.</summary>
    public const string StartupInterfaceDown = "startup with interface down";

    /// <summary>Backup to Master: no (acceptable) advertisement for Master_Down_Interval.</summary>
    public const string MasterDown = "master down timer expired";

    /// <summary>Backup to Master: the last master heard had a lower priority and preemption is on.</summary>
    public const string Preempt = "higher priority than master (preempt)";

    /// <summary>Backup to Master: the master announced it is stepping down (priority 0) and Skew_Time passed.</summary>
    public const string MasterReleased = "master stepped down (priority 0 received)";

    /// <summary>Master to Backup: an advertisement with a higher priority arrived.</summary>
    public const string HigherPriorityMaster = "advertisement with higher priority received";

    /// <summary>Master to Backup: an advertisement with our priority from a higher primary address arrived.</summary>
    public const string HigherAddressMaster = "advertisement with equal priority from higher address received";

    /// <summary>Master or Backup or Fault to Initialize.</summary>
    public const string Shutdown = "shutdown requested";

    /// <summary>Master or Backup to Fault.</summary>
    public const string InterfaceDown = "interface down";

    /// <summary>Fault to Backup (or to Master for the address owner).</summary>
    public const string InterfaceUp = "interface up";

    /// <summary>Master or Backup to Fault: a tracked check with weight 0 failed.</summary>
    public const string TrackFault = "tracked check failed (weight 0)";

    /// <summary>Fault to Backup: the tracked checks pass again (and the interface is up).</summary>
    public const string TrackRecovered = "tracked checks recovered";

    /// <summary>Master or Backup to Fault: a tracked interface with weight 0 went down.</summary>
    public const string TrackInterfaceDown = "tracked interface down (weight 0)";

    /// <summary>Fault to Backup: the tracked interfaces are up again (and nothing else holds the instance in Fault).</summary>
    public const string TrackInterfaceUp = "tracked interfaces up";

    /// <summary>Master or Backup to Fault: another member of the instance's sync group is in Fault on this node.</summary>
    public const string SyncGroupFault = "sync group member in fault";

    /// <summary>Fault to Backup: no member of the sync group is in Fault of its own any more.</summary>
    public const string SyncGroupRecovered = "sync group recovered";

    /// <summary>Each reason as a metric label value (the transitions counter's reason label); "other" for any other text.</summary>
    public static string LabelOf(string reason) => reason switch
    {
        StartupOwner => "startup_owner",
        Startup => "startup",
        StartupInterfaceDown => "startup_interface_down",
        MasterDown => "master_down",
        Preempt => "preempt",
        MasterReleased => "master_released",
        HigherPriorityMaster => "higher_priority_master",
        HigherAddressMaster => "higher_address_master",
        Shutdown => "shutdown",
        InterfaceDown => "interface_down",
        InterfaceUp => "interface_up",
        TrackFault => "track_fault",
        TrackRecovered => "track_recovered",
        TrackInterfaceDown => "track_interface_down",
        TrackInterfaceUp => "track_interface_up",
        SyncGroupFault => "sync_group_fault",
        SyncGroupRecovered => "sync_group_recovered",
        _ => "other",
    };
}
