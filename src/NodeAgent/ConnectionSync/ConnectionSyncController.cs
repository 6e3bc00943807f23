using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.ConnectionSync;

/// <summary>
/// Makes the kernel's IPVS sync daemons follow the state of the instance that asks for connection sync. The kernel runs
/// one master and one backup daemon per network namespace, so the first such instance owns them; another one is refused
/// (logged). Level-triggered, and off the VRRP loop: a transition only records which daemon is wanted (keepalived swaps
/// them in line, so a slow or failing kernel stalls its adverts); <see cref="RunAsync"/> brings the kernel there, reading
/// back what runs each time (daemons an earlier run left, kill -9, are taken over) and retrying until it matches.
/// </summary>
/// <param name="ipvs">Generic netlink for the IPVS family <paramref name="familyId"/>; null: the dataplane is not IPVS.</param>
public sealed class ConnectionSyncController(IGenericNetlinkTransport? ipvs, ushort familyId, StructuredLog log, TimeProvider time)
{
    /// <summary>Why nothing is synchronised under the nftables dataplane (logged, and in the README).</summary>
    public const string NeedsIpvs = "connection sync needs the IPVS dataplane (--dataplane ipvs): nftables keeps no connection table the kernel can synchronise";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly object _gate = new();
    private string? _owner;
    private Wanted? _wanted;

    /// <summary>On the VRRP loop: records the daemon the owner's new state calls for; touches no socket.</summary>
    public void OnTransition(VrrpInstanceSettings settings, VrrpState to)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ConnectionSync is not { } sync)
        {
            return;
        }

        var daemon = ConnectionSyncPlanner.Wanted(sync, to);
        var refusal = ipvs is null ? NeedsIpvs
            : _owner is { } owner && owner != settings.Name ? $"the sync daemons already follow {owner} (one per node)"
            : null;
        if (refusal is not null)
        {
            // Said once per run of the instance, not on every transition.
            if (daemon is null)
            {
                _refused.Remove(settings.Name);
            }
            else if (_refused.Add(settings.Name))
            {
                log.Warn("connection-sync-refused", ("instance", settings.Name), ("reason", refusal));
            }
            return;
        }

        _owner = daemon is null ? null : settings.Name;
        lock (_gate)
        {
            _wanted = new Wanted(daemon, settings.Name, to);
        }
        _changed.Release();
    }

    /// <summary>
    /// Applies each change the loop records, retrying a failed one (1 s, doubling to 30 s, sooner on a newer change),
    /// until <paramref name="stop"/>; then one last attempt, so the daemons stop with the instances at shutdown.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var retry = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            // This attempt reads the latest wish: the changes signalled so far are covered by it.
            while (_changed.Wait(0))
            {
            }
            var wait = Timeout.InfiniteTimeSpan;
            if (TryApply())
            {
                retry = FirstRetry;
            }
            else
            {
                wait = retry;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
            using var retryDue = new CancellationTokenSource(wait, time);
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop, retryDue.Token);
            try
            {
                await _changed.WaitAsync(wake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // The retry is due.
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        TryApply();
    }

    /// <summary>One attempt to bring the kernel to the last recorded wish; true when it matches (or nothing is wished).</summary>
    internal bool TryApply()
    {
        Wanted? wanted;
        lock (_gate)
        {
            wanted = _wanted;
        }
        if (wanted is null || ipvs is null)
        {
            return true;
        }
        try
        {
            foreach (var command in ConnectionSyncPlanner.Plan(wanted.Daemon, Running()))
            {
                ipvs.Request(IpvsMessageCodec.Encode(command, familyId, ipvs.NextSequence()));
                log.Info("connection-sync", ("instance", wanted.Instance), ("state", wanted.State), ("command", IpvsadmCommandRenderer.Render(command)));
            }
            return true;
        }
        catch (Exception ex) when (ex is NetlinkException or TimeoutException or IOException)
        {
            log.Error("connection-sync-failed", ("instance", wanted.Instance), ("state", wanted.State), ("error", ex.Message), ("effect", "retried"));
            return false;
        }
    }

    private List<IpvsSyncDaemon> Running() =>
        [.. ipvs!.Request(IpvsMessageCodec.Encode(new IpvsCommand.ListDaemons(), familyId, ipvs.NextSequence())).Select(r => IpvsMessageCodec.DecodeDaemon(r))];

    /// <summary>The daemon wanted (null: none) and the transition that asked for it, for the log.</summary>
    private sealed record Wanted(IpvsSyncDaemon? Daemon, string Instance, VrrpState State);
}
