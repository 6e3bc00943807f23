using KeepOperator.NodeAgent.Config;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>What a new configuration means for one running instance.</summary>
public enum InstanceChangeKind
{
    /// <summary>Same settings: leave the instance alone.</summary>
    Unchanged,

    /// <summary>Only the base priority, the unicast peers, the notify scripts or the webhooks differ: applied to the running instance, no restart.</summary>
    InPlace,

    /// <summary>Anything else differs: graceful stop (priority 0 if master), then start with the new settings.</summary>
    Restart,
}

/// <summary>Pure: compares an instance's old and new settings field by field (lists by their elements).</summary>
public static class InstanceChange
{
    public static InstanceChangeKind Classify(VrrpInstanceSettings current, VrrpInstanceSettings next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        if (!SameIgnoringPriorityAndPeers(current, next))
        {
            return InstanceChangeKind.Restart;
        }

        return current.Router.Priority == next.Router.Priority && SamePeers(current.Router.UnicastPeers, next.Router.UnicastPeers)
            && (current.Notify is null ? next.Notify is null : current.Notify.SameAs(next.Notify))
            && (current.Webhooks ?? []).SequenceEqual(next.Webhooks ?? [])
            ? InstanceChangeKind.Unchanged
            : InstanceChangeKind.InPlace;
    }

    private static bool SamePeers(IReadOnlyList<System.Net.IPAddress>? a, IReadOnlyList<System.Net.IPAddress>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <summary>Switching between multicast and unicast is not a peer change: the sockets' use differs, so it restarts.</summary>
    private static bool SameIgnoringPriorityAndPeers(VrrpInstanceSettings a, VrrpInstanceSettings b)
    {
        var ra = a.Router;
        var rb = b.Router with { Priority = ra.Priority, VirtualAddresses = ra.VirtualAddresses, UnicastPeers = ra.UnicastPeers };
        return ra == rb
            && (ra.UnicastPeers is null) == (b.Router.UnicastPeers is null)
            && a.InterfaceAddress.Equals(b.InterfaceAddress)
            && ra.VirtualAddresses.SequenceEqual(b.Router.VirtualAddresses)
            && a.Name == b.Name
            && a.InterfaceName == b.InterfaceName
            && a.InterfaceIndex == b.InterfaceIndex
            && a.VirtualAddresses.SequenceEqual(b.VirtualAddresses)
            && a.Password == b.Password
            && a.GratuitousArp == b.GratuitousArp
            && a.Track.SequenceEqual(b.Track)
            && a.Vmac == b.Vmac
            && (a.TrackInterfaces ?? []).SequenceEqual(b.TrackInterfaces ?? [])
            && a.SyncGroup == b.SyncGroup
            && a.ConnectionSync == b.ConnectionSync;
    }
}
