using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// The Events a status change deserves (what `kubectl describe vip` shows): derived from the old and new status
/// only, so a reconcile that writes nothing new records nothing. Each node's transition the agents report (a new state
/// or a new transition time) is one BecameMaster, BecameBackup or Fault Event, with the priority and the agent's
/// reason, so `kubectl get events` tells the story of a failover node by node.
/// </summary>
public static class StatusEvents
{
    public static IReadOnlyList<EventSpec> Between(VirtualIpStatus? old, VirtualIpStatus updated)
    {
        var events = new List<EventSpec>();
        if (updated.Master != old?.Master)
        {
            var was = old?.Master is { } previous ? $" (was {previous})" : "";
            events.Add(updated.Master is { } master
                ? new(EventReasons.Normal, EventReasons.MasterChanged, $"{master} is master{was}")
                : new(EventReasons.Warning, EventReasons.MasterChanged, $"no node is master{was}"));
        }

        foreach (var node in updated.Nodes ?? [])
        {
            if (Transition(old?.Nodes?.FirstOrDefault(n => n.Name == node.Name), node) is { } transition)
            {
                events.Add(transition);
            }
        }

        // Split brain: more than one live node reports Master (a partition, or a switch dropping VRRP between them), or a
        // master hears another master's adverts (raised once per episode; the EventRecorder rate-limits repeats).
        if (Find(updated, ConditionTypes.Ready) is { Reason: VirtualIpReasons.MultipleMasters } split && Find(old, ConditionTypes.Ready)?.Reason != VirtualIpReasons.MultipleMasters)
        {
            events.Add(new(EventReasons.Warning, VirtualIpReasons.MultipleMasters, $"split brain: {split.Message}"));
        }

        foreach (var type in new[] { ConditionTypes.Conflict, ConditionTypes.Invalid, ConditionTypes.SecretMissing, ConditionTypes.SyncGroupRefused })
        {
            if (Find(updated, type) is { Status: "True" } now && Find(old, type)?.Status != "True")
            {
                events.Add(new(EventReasons.Warning, type, now.Message ?? type));
            }
        }

        if (Find(updated, ConditionTypes.PreferredMaster) is { } preferred
            && (Find(old, ConditionTypes.PreferredMaster) is not { } before || before.Status != preferred.Status || before.Message != preferred.Message))
        {
            events.Add(new(preferred.Status == "True" ? EventReasons.Normal : EventReasons.Warning, ConditionTypes.PreferredMaster, preferred.Message ?? ""));
        }

        // Every change of which node fails which pods track changes the message; a first "all pass" is no news.
        if (Find(updated, ConditionTypes.TrackFailing) is { } track
            && (Find(old, ConditionTypes.TrackFailing) is { } previousTrack ? previousTrack.Status != track.Status || previousTrack.Message != track.Message : track.Status == "True"))
        {
            events.Add(new(track.Status == "True" ? EventReasons.Warning : EventReasons.Normal, track.Reason ?? ConditionTypes.TrackFailing, track.Message ?? ""));
        }

        return events;
    }

    private static EventSpec? Transition(VirtualIpNodeStatus? before, VirtualIpNodeStatus now)
    {
        var (type, reason, verb) = now.State switch
        {
            VrrpStateNames.Master => (EventReasons.Normal, EventReasons.BecameMaster, "became master"),
            VrrpStateNames.Backup => (EventReasons.Normal, EventReasons.BecameBackup, "became backup"),
            VrrpStateNames.Fault => (EventReasons.Warning, EventReasons.Fault, "went to fault"),
            _ => default, // Stopped and Unknown say the node is not reporting, not that it moved
        };
        // A node back from Unknown with the same transition time did not move: it was only not heard for a while.
        var moved = before is null
            || before.LastTransitionTime != now.LastTransitionTime
            || (before.State != now.State && before.State is VrrpStateNames.Master or VrrpStateNames.Backup or VrrpStateNames.Fault);
        if (reason is null || !moved)
        {
            return null;
        }

        var priority = (now.Priority, now.EffectivePriority) switch
        {
            (null, _) => "",
            ({ } configured, { } effective) when effective != configured => $" (priority {configured}, effective {effective})",
            ({ } configured, _) => $" (priority {configured})",
        };
        return new(type, reason, $"{now.Name} {verb}{priority}" + (now.Message is { Length: > 0 } why ? ": " + why : ""));
    }

    private static Condition? Find(VirtualIpStatus? status, string type) => status?.Conditions?.FirstOrDefault(c => c.Type == type);
}
