namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>One instance on this node as the sync group rule sees it.</summary>
/// <param name="Group">Its sync group, or null for none.</param>
/// <param name="OwnFault">In FAULT for a reason of its own (its interface, a weight-0 check or tracked interface), not because of the group.</param>
public readonly record struct SyncGroupMember(string Name, string? Group, bool OwnFault);

/// <summary>
/// keepalived's vrrp_sync_group on one node (vrrp_sync.c, vrrp_sync_fault): a member in FAULT of its own holds every
/// other member of its group in FAULT, so none of them stays master while one cannot be; when no member has a fault of
/// its own the group is released and elects again as a whole. Pure: the agent applies it after every event that can
/// change a fault.
/// </summary>
public static class SyncGroupRule
{
    /// <summary>
    /// For each member of a group: the first other member (ordinal name order) in FAULT of its own, which holds it in
    /// FAULT, or null when it is free. Instances without a group are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Holders(IEnumerable<SyncGroupMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var holders = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var group in members.Where(m => m.Group is not null).GroupBy(m => m.Group, StringComparer.Ordinal))
        {
            var faulted = group.Where(m => m.OwnFault).Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
            foreach (var member in group)
            {
                holders[member.Name] = faulted.FirstOrDefault(f => f != member.Name);
            }
        }

        return holders;
    }
}
