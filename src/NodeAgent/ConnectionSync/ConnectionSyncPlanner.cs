using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.ConnectionSync;

/// <summary>
/// Pure: which IPVS sync daemon an instance's state calls for, and the requests that get the kernel there. keepalived's
/// rules (vrrp.c, vrrp_scheduler.c, ipvswrapper.c): a starting instance runs the backup daemon; becoming master stops it
/// and starts the master one; leaving master (to BACKUP or FAULT) does the reverse; FAULT from BACKUP keeps the backup
/// daemon, still receiving; stopping the instance stops its daemon.
/// </summary>
public static class ConnectionSyncPlanner
{
    /// <summary>The daemon for <paramref name="state"/>; null once the instance has stopped (Initialize).</summary>
    public static IpvsSyncDaemon? Wanted(ConnectionSyncSettings settings, VrrpState state)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IpvsSyncRole? role = state switch
        {
            VrrpState.Master => IpvsSyncRole.Master,
            VrrpState.Backup or VrrpState.Fault => IpvsSyncRole.Backup,
            _ => null,
        };
        // In range: the validator allows sync IDs 0-255 and lengths up to 65507.
        return role is { } r ? new IpvsSyncDaemon(r, settings.Interface, (byte)settings.SyncId, (ushort?)settings.MaxPacketLength) : null;
    }

    /// <summary>
    /// Stops every running daemon but the wanted one, then starts the wanted one unless it runs (stop first, as
    /// keepalived: the kernel refuses a second daemon of a role). A running daemon counts as the wanted one by role,
    /// interface and sync ID: the kernel reports the packet length it settled on, not the one asked for.
    /// </summary>
    public static IReadOnlyList<IpvsCommand> Plan(IpvsSyncDaemon? wanted, IReadOnlyList<IpvsSyncDaemon> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        var commands = new List<IpvsCommand>();
        commands.AddRange(running.Where(r => !Same(r, wanted)).Select(r => new IpvsCommand.StopDaemon(r.Role, r.SyncId)));
        if (wanted is not null && !running.Any(r => Same(r, wanted)))
        {
            commands.Add(new IpvsCommand.StartDaemon(wanted));
        }
        return commands;
    }

    private static bool Same(IpvsSyncDaemon running, IpvsSyncDaemon? wanted) =>
        wanted is not null && running.Role == wanted.Role && running.Interface == wanted.Interface && running.SyncId == wanted.SyncId;
}
