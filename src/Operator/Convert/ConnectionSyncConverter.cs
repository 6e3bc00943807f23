using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>
/// keepalived's IPVS sync daemon settings as a VirtualIp's <c>connectionSync</c>: global_defs
/// <c>lvs_sync_daemon INTERFACE INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDR]</c>, and the older per-instance
/// <c>lvs_sync_daemon_interface INTERFACE</c> (keepalived before 1.2.20, still read by it as the same thing).
/// </summary>
public sealed class ConnectionSyncConverter(ConfigValueReader reader)
{
    /// <summary>The global form: the instance it follows and its settings, or null when unreadable (reported).</summary>
    public (string Instance, ConnectionSync Sync)? ReadGlobal(ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Args.Count < 2)
        {
            reader.Diagnostics.Error(node.Location, $"{node.Keyword}: expected an interface and a vrrp_instance name");
            return null;
        }

        var sync = new ConnectionSync { Interface = node.Args[0] };
        for (int i = 2; i < node.Args.Count; i += 2)
        {
            var option = node.Args[i];
            if (i + 1 >= node.Args.Count)
            {
                reader.Diagnostics.Error(node.Location, $"{node.Keyword}: {option}: missing value");
                return null;
            }

            var value = node with { Keyword = $"{node.Keyword} {option}", Args = [node.Args[i + 1]] };
            switch (option)
            {
                case "id":
                    sync.SyncId = reader.Integer(value, 0, 255);
                    break;
                case "maxlen":
                    sync.MaxPacketLength = reader.Integer(value, 1, 65507);
                    break;
                case "port" or "ttl" or "group":
                    reader.Diagnostics.Warning(node.Location, $"{node.Keyword}: {option} {node.Args[i + 1]} not converted: the kernel's defaults apply (group 224.0.0.81 or ff02::8:81, port 8848, ttl 1)");
                    break;
                default:
                    reader.Diagnostics.Error(node.Location, $"{node.Keyword}: unknown option \"{option}\" (id, maxlen, port, ttl or group)");
                    return null;
            }
        }

        return (node.Args[1], sync);
    }

    /// <summary>The per-instance form: the instance that holds it drives the daemons on that interface.</summary>
    public ConnectionSync? ReadInstanceInterface(ConfigNode node) =>
        reader.Word(node) is { } name ? new ConnectionSync { Interface = name } : null;

    /// <summary>Gives the global form's instance its settings; reported when no instance of that name was converted.</summary>
    public void Apply((string Instance, ConnectionSync Sync, SourceLocation Location)? global, IReadOnlyList<ConvertedInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (global is not { } g)
        {
            return;
        }

        var instance = instances.FirstOrDefault(i => i.InstanceName == g.Instance);
        if (instance is null)
        {
            reader.Diagnostics.Warning(g.Location, $"lvs_sync_daemon: no vrrp_instance {g.Instance} was converted: not converted");
            return;
        }

        if (instance.Spec.ConnectionSync is not null)
        {
            reader.Diagnostics.Warning(g.Location, $"lvs_sync_daemon: replaces vrrp_instance {g.Instance}'s lvs_sync_daemon_interface");
        }

        instance.Spec.ConnectionSync = g.Sync;
    }
}
