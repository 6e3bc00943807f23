using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.ConnectionSync;

/// <summary>
/// Makes the kernel's IPVS sync daemons follow the state of the instance that asks for connection sync, on each of its
/// transitions (called on the agent's loop, as keepalived's VRRP process does it in line). The kernel runs one master
/// and one backup daemon per network namespace, so the first such instance owns them; another one is refused (logged).
/// What runs is read back from the kernel each time, so daemons an earlier run left (kill -9) are taken over.
/// </summary>
/// <param name="ipvs">Generic netlink for the IPVS family <paramref name="familyId"/>; null: the dataplane is not IPVS.</param>
public sealed class ConnectionSyncController(IGenericNetlinkTransport? ipvs, ushort familyId, StructuredLog log)
{
    /// <summary>Why nothing is synchronised under the nftables dataplane (logged, and in the README).</summary>
    public const string NeedsIpvs = "connection sync needs the IPVS dataplane (--dataplane ipvs): nftables keeps no connection table the kernel can synchronise";

    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private string? _owner;

    public void OnTransition(VrrpInstanceSettings settings, VrrpState to)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ConnectionSync is not { } sync)
        {
            return;
        }

        var wanted = ConnectionSyncPlanner.Wanted(sync, to);
        var refusal = ipvs is null ? NeedsIpvs
            : _owner is { } owner && owner != settings.Name ? $"the sync daemons already follow {owner} (one per node)"
            : null;
        if (refusal is not null)
        {
            // Said once per run of the instance, not on every transition.
            if (wanted is null)
            {
                _refused.Remove(settings.Name);
            }
            else if (_refused.Add(settings.Name))
            {
                log.Warn("connection-sync-refused", ("instance", settings.Name), ("reason", refusal));
            }
            return;
        }

        _owner = wanted is null ? null : settings.Name;
        try
        {
            foreach (var command in ConnectionSyncPlanner.Plan(wanted, Running()))
            {
                ipvs!.Request(IpvsMessageCodec.Encode(command, familyId, ipvs.NextSequence()));
                log.Info("connection-sync", ("instance", settings.Name), ("state", to), ("command", IpvsadmCommandRenderer.Render(command)));
            }
        }
        catch (Exception ex) when (ex is NetlinkException or TimeoutException or IOException)
        {
            // Logged, not thrown: this runs on the VRRP loop, which must go on whatever the kernel did.
            log.Error("connection-sync-failed", ("instance", settings.Name), ("state", to), ("error", ex.Message));
        }
    }

    private List<IpvsSyncDaemon> Running() =>
        [.. ipvs!.Request(IpvsMessageCodec.Encode(new IpvsCommand.ListDaemons(), familyId, ipvs.NextSequence())).Select(r => IpvsMessageCodec.DecodeDaemon(r))];
}
