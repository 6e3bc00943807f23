using KeepOperator.NodeAgent.Config;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>What a new configuration means for one running instance.</summary>
public enum InstanceChangeKind
{
    /// <summary>Same settings: leave the instance alone.</summary>
    Unchanged,

    /// <summary>Only the base priority differs: a PriorityChanged for the state machine, no restart.</summary>
    PriorityOnly,

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
        if (SameIgnoringPriority(current, next))
        {
            return current.Router.Priority == next.Router.Priority ? InstanceChangeKind.Unchanged : InstanceChangeKind.PriorityOnly;
        }

        return InstanceChangeKind.Restart;
    }

    private static bool SameIgnoringPriority(VrrpInstanceSettings a, VrrpInstanceSettings b)
    {
        var ra = a.Router;
        var rb = b.Router with { Priority = ra.Priority, VirtualAddresses = ra.VirtualAddresses };
        return ra == rb
            && ra.VirtualAddresses.SequenceEqual(b.Router.VirtualAddresses)
            && a.Name == b.Name
            && a.InterfaceName == b.InterfaceName
            && a.InterfaceIndex == b.InterfaceIndex
            && a.VirtualAddresses.SequenceEqual(b.VirtualAddresses)
            && a.Password == b.Password
            && a.GratuitousArp == b.GratuitousArp
            && a.Track.SequenceEqual(b.Track);
    }
}
