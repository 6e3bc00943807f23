namespace KeepOperator.Operator.Convert;

/// <summary>Converts the statement tree of one node's configuration: global_defs, vrrp_script, vrrp_instance, virtual_server.</summary>
public sealed class KeepalivedFileConverter(ConfigValueReader reader)
{
    private static readonly Dictionary<string, string> TopLevelNoEquivalent = new(StringComparer.Ordinal)
    {
        ["static_ipaddress"] = "no equivalent: static addresses are the host's business",
        ["static_routes"] = "no equivalent: routes are not managed",
        ["static_rules"] = "no equivalent: routing rules are not managed",
        ["track_file"] = "no equivalent; express the condition as a spec.track entry (tcp, http or pods)",
        ["vrrp_track_file"] = "no equivalent; express the condition as a spec.track entry (tcp, http or pods)",
        ["track_process"] = "no equivalent; express the condition as a spec.track entry (tcp, http or pods)",
        ["vrrp_track_process"] = "no equivalent; express the condition as a spec.track entry (tcp, http or pods)",
        ["bfd_instance"] = "no equivalent (no BFD)",
        ["garp_group"] = "no equivalent: see spec.gratuitousArp",
        ["linkbeat_use_polling"] = "no equivalent",
        ["net_namespace"] = "no equivalent: the agent runs in the namespace it is started in",
        ["net_namespace_ipvs"] = "no equivalent: the agent runs in the namespace it is started in",
        ["namespace_with_ipsets"] = "no equivalent",
        ["instance"] = "no equivalent",
        ["use_pid_dir"] = "no equivalent",
        ["child_wait_time"] = "no equivalent",
    };

    /// <param name="configId">The host's config id (keepalived -i) the file was read for: the node's name before --node-name-map.</param>
    public ConvertedFile Convert(string path, IReadOnlyList<ConfigNode> nodes, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(nodes);
        var globals = KeepalivedGlobals.None;
        var scripts = new Dictionary<string, VrrpScript>(StringComparer.Ordinal);
        var groups = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (node.Keyword == "virtual_server_group" && node.Args.Count > 0)
            {
                groups[node.Args[0]] = node;
            }
            else if (node.Keyword == "global_defs")
            {
                globals = ReadGlobals(node, globals);
            }
            else if (node.Keyword == "vrrp_script")
            {
                if (node.Args.Count == 0)
                {
                    reader.Diagnostics.Error(node.Location, "vrrp_script: missing name");
                }
                else
                {
                    scripts[node.Args[0]] = VrrpScript.Read(node.Args[0], node, reader);
                }
            }
        }

        var routerId = configId ?? globals.RouterId ?? RouterIdFromFileName(path);
        var syncGroups = new SyncGroupConverter(reader);
        var instances = new List<ConvertedInstance>();
        var virtualServers = new List<ConvertedVirtualServer>();
        var usedScripts = new HashSet<string>(StringComparer.Ordinal);
        var instanceConverter = new VrrpInstanceConverter(reader);
        var virtualServerConverter = new VirtualServerConverter(reader, groups);
        foreach (var node in nodes)
        {
            switch (node.Keyword)
            {
                case "global_defs" or "vrrp_script" or "virtual_server_group":
                    break;
                case "vrrp_sync_group":
                    syncGroups.Read(node);
                    break;
                case "vrrp_instance":
                    if (instanceConverter.Convert(node, routerId, globals, scripts, usedScripts) is { } instance)
                    {
                        instances.Add(instance);
                    }

                    break;
                case "virtual_server":
                    virtualServers.AddRange(virtualServerConverter.Convert(node));
                    break;
                default:
                    if (TopLevelNoEquivalent.TryGetValue(node.Keyword, out var why))
                    {
                        reader.NotConverted(node, why);
                    }
                    else
                    {
                        reader.Diagnostics.Error(node.Location, $"unknown top-level keyword \"{node.Keyword}\"");
                    }

                    break;
            }
        }

        syncGroups.Apply(instances);
        new ConnectionSyncConverter(reader).Apply(globals.LvsSyncDaemon, instances);
        foreach (var script in scripts.Values.Where(s => !usedScripts.Contains(s.Name)))
        {
            reader.Diagnostics.Warning(script.Location, $"vrrp_script {script.Name}: not converted: no vrrp_instance tracks it");
        }

        return new ConvertedFile(path, routerId, instances, virtualServers);
    }

    private string RouterIdFromFileName(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        reader.Diagnostics.Warning(new SourceLocation(path, 1), $"no global_defs router_id: the node is called \"{name}\" after the file (rename it with --node-name-map {name}=NODE)");
        return name;
    }

    private KeepalivedGlobals ReadGlobals(ConfigNode node, KeepalivedGlobals globals)
    {
        foreach (var child in node.Block)
        {
            globals = child.Keyword switch
            {
                "router_id" => globals with { RouterId = reader.Word(child) },
                "vrrp_version" => globals with { VrrpVersion = reader.Integer(child, 2, 3) },
                "vrrp_garp_master_delay" => globals with { GarpDelay = reader.Seconds(child, 255) },
                "vrrp_garp_master_repeat" => globals with { GarpRepeat = reader.Integer(child, 0, 255) },
                "vrrp_garp_master_refresh" => globals with { GarpRefresh = reader.Seconds(child, 86400) },
                "lvs_sync_daemon" => globals with { LvsSyncDaemon = new ConnectionSyncConverter(reader).ReadGlobal(child) is { } d ? (d.Instance, d.Sync, child.Location) : null },
                _ => NotConverted(child, globals),
            };
        }

        return globals;
    }

    private KeepalivedGlobals NotConverted(ConfigNode node, KeepalivedGlobals globals)
    {
        reader.NotConverted(node, "global setting with no equivalent");
        return globals;
    }
}
