namespace KeepOperator.Lab.Tests.Lab;

/// <summary>A VRRP speaker in one lab node: the agent or keepalived. Both are driven the same way by the scenarios.</summary>
public interface IVrrpPeer
{
    /// <summary>"agent" or "keepalived".</summary>
    string Kind { get; }

    LabNode Node { get; }

    LabProcess Process { get; }

    bool HasExited { get; }

    /// <summary>How many times the peer logged entering Master so far.</summary>
    int MasterEntries { get; }

    /// <summary>How many times the peer logged leaving Master (to Backup/Fault) so far.</summary>
    int MasterExits { get; }

    /// <summary>SIGKILL: no goodbye advert, VIPs stay on the interface.</summary>
    void Kill9();

    /// <summary>SIGTERM: the peer should send priority 0, drop its VIPs and exit.</summary>
    void Term();

    bool WaitForExit(TimeSpan timeout);
}
