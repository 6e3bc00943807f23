using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// The IPVS dataplane over generic netlink: the kernel's table is dumped when what it holds is unknown (at start, after
/// a failed request), otherwise the last applied table stands for it, indexed by key, so that one changed real server
/// among 10,000 services costs little more than a reference comparison per service; <see cref="IpvsReconciler"/> plans
/// the difference and each command goes out as the request ipvsadm would send, many per datagram (one round trip per batch, not per
/// request: 10,000 services from empty would otherwise wait for 50,000 acks one by one). Services this agent never
/// programmed are left alone.
/// </summary>
public sealed class IpvsDataplane(IGenericNetlinkTransport transport, ushort familyId) : ILoadBalancingDataplane
{
    private const int NoSuchEntry = 2; // ENOENT: the controller knows no such family

    // While the kernel's table is unknown: the services that are ours if a dump finds them (applied before a failed
    // request, or configured). Once the kernel is known, ours are exactly the applied table's.
    private readonly HashSet<ServiceKey> _claimed = [];
    private IpvsAppliedTable? _applied;

    public DataplaneKind Kind => DataplaneKind.Ipvs;

    /// <summary>Resolves the generic netlink family IPVS (present when the kernel has IPVS and its module is loaded).</summary>
    public static IpvsProbeResult Probe(IGenericNetlinkTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        try
        {
            var replies = transport.Request(GenericNetlink.EncodeGetFamily(IpvsGenl.FamilyName, transport.NextSequence()));
            return replies.Select(r => GenericNetlink.ParseFamilyId(r)).FirstOrDefault(id => id is not null) is { } id
                ? IpvsProbeResult.Found(id)
                : IpvsProbeResult.NotFound("the generic netlink controller's reply names no family IPVS");
        }
        catch (NetlinkException e) when (e.Errno == NoSuchEntry)
        {
            return IpvsProbeResult.NotFound("generic netlink family IPVS not found");
        }
        catch (IOException e)
        {
            return IpvsProbeResult.NotFound($"looking up generic netlink family IPVS failed: {e.Message}");
        }
    }

    /// <summary>The requests that turn <paramref name="current"/> into <paramref name="desired"/>, as ipvsadm would send them.</summary>
    public static IReadOnlyList<(IpvsCommand Command, byte[] Request)> Requests(
        IReadOnlyList<LoadBalancedService> desired, IReadOnlyList<LoadBalancedService> current, Func<ServiceKey, bool> owned, ushort familyId, Func<uint> sequence) =>
        [.. IpvsReconciler.Plan(desired, current, owned).Select(c => (c, IpvsMessageCodec.Encode(c, familyId, sequence())))];

    public Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<LoadBalancedService> desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        Send(desired);
        return Task.FromResult<IReadOnlyList<string>>([]);
    }

    public Task RemoveAsync(IReadOnlyCollection<ServiceKey> configured, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configured);
        _claimed.UnionWith(configured);
        Send([]);
        return Task.CompletedTask;
    }

    private void Send(IReadOnlyList<LoadBalancedService> desired)
    {
        var applied = _applied;
        IReadOnlyList<IpvsCommand> commands;
        IpvsAppliedTable after;
        if (applied is null)
        {
            _claimed.UnionWith(desired.Select(s => s.Key));
            commands = IpvsReconciler.Plan(desired, Dump(), _claimed.Contains);
            after = IpvsAppliedTable.Of(desired);
        }
        else
        {
            // Only what differs from the applied table costs more than a reference comparison.
            (commands, after) = IpvsReconciler.Plan(desired, applied);
        }

        // Until every request went through, the kernel's table is unknown: a failure leads to a fresh dump, in which
        // the services of the applied table and of the desired one are ours.
        _applied = null;
        try
        {
            transport.RequestAcked([.. commands.Select(c => IpvsMessageCodec.Encode(c, familyId, transport.NextSequence()))]);
        }
        catch
        {
            if (applied is not null)
            {
                _claimed.UnionWith(applied.Services.Select(s => s.Key));
                _claimed.UnionWith(desired.Select(s => s.Key));
            }

            throw;
        }

        _claimed.Clear();
        _applied = after;
    }

    /// <summary>The kernel's table: every service, then each one's real servers.</summary>
    private List<LoadBalancedService> Dump()
    {
        var table = new List<LoadBalancedService>();
        foreach (var reply in transport.Request(IpvsMessageCodec.Encode(new IpvsCommand.ListServices(), familyId, transport.NextSequence())))
        {
            var service = IpvsMessageCodec.DecodeService(reply);
            var destinations = transport
                .Request(IpvsMessageCodec.Encode(new IpvsCommand.ListDestinations(service.Key), familyId, transport.NextSequence()))
                .Select(d => IpvsMessageCodec.DecodeDestination(d, service.Key.Family))
                .ToList();
            table.Add(new LoadBalancedService(service, destinations));
        }

        return table;
    }
}
