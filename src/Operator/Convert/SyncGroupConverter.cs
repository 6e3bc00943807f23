namespace KeepOperator.Operator.Convert;

/// <summary>
/// vrrp_sync_group blocks of one file: each member vrrp_instance gets spec.syncGroup, the group's name as a DNS label.
/// keepalived ignores tracking weights in a sync group (unless sync_group_tracking_weight), so a member's weights
/// become 0, which is what keepalived does with them, and which the VirtualIp validator requires in a group.
/// </summary>
public sealed class SyncGroupConverter(ConfigValueReader reader)
{
    private const string NoScripts = "no equivalent: KeepOperator runs no scripts for a group; each member's transitions are logged";

    private const string PerMember = "no equivalent at the group level: list it in each member's vrrp_instance";

    private static readonly Dictionary<string, string> NoEquivalent = new(StringComparer.Ordinal)
    {
        ["notify"] = NoScripts,
        ["notify_master"] = NoScripts,
        ["notify_backup"] = NoScripts,
        ["notify_fault"] = NoScripts,
        ["notify_stop"] = NoScripts,
        ["smtp_alert"] = "no equivalent: KeepOperator sends no mail",
        ["track_script"] = PerMember,
        ["track_interface"] = PerMember,
        ["track_file"] = PerMember,
        ["track_process"] = PerMember,
        ["track_bfd"] = PerMember,
        ["global_tracking"] = "no equivalent",
        ["sync_group_tracking_weight"] = "no equivalent: tracking weights must be 0 in a sync group (the members' priorities must stay alike)",
    };

    private readonly Dictionary<string, (string Group, SourceLocation Location)> _groupOf = new(StringComparer.Ordinal);

    public void Read(ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Args.Count == 0)
        {
            reader.Diagnostics.Error(node.Location, "vrrp_sync_group: missing name");
            return;
        }

        reader.IgnoreExtraWords(node, 1);
        var group = DnsName.From(node.Args[0], "sync-group");
        foreach (var child in node.Block)
        {
            if (child.Keyword == "group")
            {
                // Members one per line, or several on a line: each line is a statement keyed by its first word.
                foreach (var (member, location) in child.Block.SelectMany(m => m.Args.Prepend(m.Keyword).Select(name => (name, m.Location))))
                {
                    if (!_groupOf.TryAdd(member, (group, location)))
                    {
                        reader.Diagnostics.Error(location, $"vrrp_sync_group {node.Args[0]}: vrrp_instance {member} is already in sync group {_groupOf[member].Group} ({_groupOf[member].Location})");
                    }
                }
            }
            else if (NoEquivalent.TryGetValue(child.Keyword, out var why))
            {
                reader.NotConverted(child, why);
            }
            else
            {
                reader.Unknown(child, "vrrp_sync_group");
            }
        }
    }

    /// <summary>Sets the members' syncGroup and zeroes their tracking weights; reports members that do not exist.</summary>
    public void Apply(IReadOnlyList<ConvertedInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var (member, (group, location)) in _groupOf)
        {
            var instance = instances.FirstOrDefault(i => i.InstanceName == member);
            if (instance is null)
            {
                reader.Diagnostics.Warning(location, $"vrrp_sync_group {group}: no vrrp_instance {member} in this file: ignored");
                continue;
            }

            instance.Spec.SyncGroup = group;
            foreach (var tracked in (instance.Spec.TrackInterfaces ?? []).Where(t => t.Weight is not null and not 0))
            {
                reader.Diagnostics.Warning(instance.Location, $"vrrp_instance {member}: track_interface {tracked.Name} weight {tracked.Weight} set to 0 (down means FAULT), as keepalived does in sync group {group}");
                tracked.Weight = null;
            }
        }
    }
}
