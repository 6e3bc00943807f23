using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Pools;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>
/// Hands out pool addresses to Services of type LoadBalancer: a pure core, rebuilt by each reconcile from what exists
/// (addresses other VirtualIps hold are <see cref="Reserve"/>d, Services keep what they hold by passing it to
/// <see cref="Assign"/>), so an operator restart moves no address and a released one stays out of reach while a
/// VirtualIp still holds it. Services that carry the same sharing key share an address while their ports do not clash.
/// </summary>
public sealed class AddressAllocator
{
    private readonly List<PoolAddresses> _pools;
    private readonly Dictionary<IPAddress, AddressUse> _uses = [];
    private readonly Dictionary<string, AllocationOutcome> _byService = new(StringComparer.Ordinal);

    /// <param name="pools">The accepted pools (valid, not overlapping another).</param>
    public AddressAllocator(IEnumerable<VirtualIpPool> pools) =>
        _pools = [.. pools.Select(p => new PoolAddresses(p)).OrderBy(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The addresses each Service holds now.</summary>
    public IReadOnlyDictionary<string, AllocationOutcome> Assignments => _byService;

    /// <summary><paramref name="address"/> is held by <paramref name="holder"/> (a VirtualIp not made for a Service, or one still being removed): never handed out.</summary>
    public void Reserve(IPAddress address, string holder)
    {
        Use(address).ReservedBy ??= holder;
    }

    /// <summary>
    /// Gives <paramref name="request"/> its addresses: <paramref name="current"/> (what it holds now) when still valid,
    /// else the requested ones, else the first free ones of the first pool (by priority, then name) that serves it
    /// and has one for every family it needs. A Service already assigned is released first.
    /// </summary>
    public AllocationOutcome Assign(AddressRequest request, IReadOnlyList<IPAddress>? current = null)
    {
        Release(request.Key);
        var outcome = Choose(request, current ?? []);
        if (outcome.Succeeded)
        {
            foreach (var address in outcome.Addresses)
            {
                var use = Use(address);
                use.SharingKey = request.SharingKey;
                use.BackendKey = request.BackendKey;
                use.Ports[request.Key] = request.Ports;
            }
            _byService[request.Key] = outcome;
        }
        return outcome;
    }

    /// <summary>The Service is gone (or no longer ours): its addresses are free for others.</summary>
    public void Release(string key)
    {
        if (!_byService.Remove(key, out var held))
        {
            return;
        }
        foreach (var address in held.Addresses)
        {
            var use = _uses[address];
            use.Ports.Remove(key);
            if (use.Ports.Count == 0 && use.ReservedBy is null)
            {
                _uses.Remove(address);
            }
        }
    }

    /// <summary>Addresses of <paramref name="family"/> in <paramref name="pool"/> handed out, and those still free.</summary>
    public (UInt128 Assigned, UInt128 Available) Usage(string pool, AddressFamily family)
    {
        var p = _pools.Single(x => x.Name == pool);
        UInt128 used = (ulong)_uses.Keys.Count(a => a.AddressFamily == family && p.Offers(a));
        UInt128 assigned = (ulong)_uses.Count(u => u.Key.AddressFamily == family && u.Value.Ports.Count > 0 && p.Offers(u.Key));
        return (assigned, p.Size(family) - used);
    }

    private AllocationOutcome Choose(AddressRequest request, IReadOnlyList<IPAddress> current)
    {
        PoolAddresses? named = null;
        if (request.Pool is { } poolName && (named = _pools.FirstOrDefault(p => p.Name == poolName)) is null)
        {
            return AllocationOutcome.Failed(AllocationReasons.UnknownPool, $"no VirtualIpPool \"{poolName}\" (or it is refused: see its status)");
        }
        if (request.Requested.Count > 0)
        {
            return ChooseRequested(request, named);
        }
        if (current.Count > 0 && _pools.FirstOrDefault(p => current.All(p.Offers)) is { } holding
            && (named ?? holding) == holding && holding.Serves(request) && (named is not null || holding.AutoAssign)
            && Families(request, holding) is { } held && held.SequenceEqual(current.Select(a => a.AddressFamily))
            && current.All(a => Clash(a, request) is null))
        {
            return AllocationOutcome.Assigned(holding.Name, current);
        }

        var candidates = named is not null ? [named] : _pools.Where(p => p.AutoAssign).ToList();
        var serving = candidates.Where(p => p.Serves(request)).ToList();
        if (serving.Count == 0)
        {
            return AllocationOutcome.Failed(AllocationReasons.NoPoolMatches, named is not null
                ? $"VirtualIpPool {named.Name}'s serviceAllocation does not let {request.Key} in"
                : $"no auto-assigning VirtualIpPool serves {request.Key} (namespaces, namespaceSelectors, serviceSelectors)");
        }
        foreach (var pool in serving)
        {
            if (Families(request, pool) is not { } families)
            {
                continue;
            }
            var picked = new List<IPAddress>();
            foreach (var family in families)
            {
                if (Pick(pool, family, request) is not { } address)
                {
                    break;
                }
                picked.Add(address);
            }
            if (picked.Count == families.Count)
            {
                return AllocationOutcome.Assigned(pool.Name, picked);
            }
        }
        return AllocationOutcome.Failed(AllocationReasons.NoAddressAvailable, $"no free {string.Join(" and ", request.Families.Select(FamilyName))} address in {string.Join(", ", serving.Select(p => p.Name))}");
    }

    private AllocationOutcome ChooseRequested(AddressRequest request, PoolAddresses? named)
    {
        string? pool = null;
        foreach (var address in request.Requested)
        {
            var owner = _pools.FirstOrDefault(p => p.Offers(address));
            if (owner is null || (named is not null && owner != named))
            {
                return AllocationOutcome.Failed(AllocationReasons.RequestedAddressNotInPool, $"{address} is in no {(named is null ? "" : named.Name + " ")}VirtualIpPool");
            }
            if (!owner.Serves(request))
            {
                return AllocationOutcome.Failed(AllocationReasons.NoPoolMatches, $"{address} is in VirtualIpPool {owner.Name}, whose serviceAllocation does not let {request.Key} in");
            }
            if (pool is not null && pool != owner.Name)
            {
                return AllocationOutcome.Failed(AllocationReasons.RequestedAddressNotInPool, $"the requested addresses are in different pools ({pool}, {owner.Name})");
            }
            if (Clash(address, request) is { } clash)
            {
                return clash;
            }
            pool = owner.Name;
        }
        return AllocationOutcome.Assigned(pool!, request.Requested);
    }

    /// <summary>The families to give from <paramref name="pool"/>; null when it cannot serve the request's needs.</summary>
    private static IReadOnlyList<AddressFamily>? Families(AddressRequest request, PoolAddresses pool)
    {
        var families = request.Families.Where(pool.Has).ToList();
        return families.Count == 0 || (request.RequireAllFamilies && families.Count < request.Families.Count) ? null : families;
    }

    /// <summary>An address this request may share, else the first free one.</summary>
    private IPAddress? Pick(PoolAddresses pool, AddressFamily family, AddressRequest request)
    {
        if (request.SharingKey is not null)
        {
            var shared = _uses.Where(u => u.Key.AddressFamily == family && pool.Offers(u.Key) && Clash(u.Key, request) is null && u.Value.Ports.Count > 0)
                .Select(u => u.Key).OrderBy(AddressRange.ToNumber).FirstOrDefault();
            if (shared is not null)
            {
                return shared;
            }
        }
        return pool.Candidates(family).FirstOrDefault(a => !_uses.ContainsKey(a));
    }

    /// <summary>Why <paramref name="request"/> cannot hold <paramref name="address"/>; null when it can.</summary>
    private AllocationOutcome? Clash(IPAddress address, AddressRequest request)
    {
        if (!_uses.TryGetValue(address, out var use))
        {
            return null;
        }
        if (use.ReservedBy is { } holder)
        {
            return AllocationOutcome.Failed(AllocationReasons.RequestedAddressInUse, $"{address} is held by {holder}");
        }
        var others = use.Ports.Where(p => p.Key != request.Key).ToList();
        if (others.Count == 0)
        {
            return null;
        }
        if (request.SharingKey is null || use.SharingKey != request.SharingKey)
        {
            return AllocationOutcome.Failed(AllocationReasons.RequestedAddressInUse, $"{address} is used by {string.Join(", ", others.Select(o => o.Key))} (sharing needs the same keepoperator.io/allow-shared-ip key on both)");
        }
        if (use.BackendKey != request.BackendKey)
        {
            return AllocationOutcome.Failed(AllocationReasons.TrafficPolicyClash, $"{address} is used by {string.Join(", ", others.Select(o => o.Key))}; as in MetalLB, Services sharing an address with externalTrafficPolicy Local must all be Local with the same selector (one node must have all their endpoints)");
        }
        var clashing = others.SelectMany(o => o.Value.Intersect(request.Ports).Select(port => $"{port} of {o.Key}")).ToList();
        return clashing.Count == 0 ? null : AllocationOutcome.Failed(AllocationReasons.PortClash, $"{address} is shared, and {string.Join(", ", clashing)} clash");
    }

    private AddressUse Use(IPAddress address)
    {
        if (!_uses.TryGetValue(address, out var use))
        {
            _uses[address] = use = new AddressUse();
        }
        return use;
    }

    private static string FamilyName(AddressFamily family) => family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    /// <summary>Who holds one address: Services (with their ports) under one sharing key, or something else entirely.</summary>
    private sealed class AddressUse
    {
        public string? ReservedBy { get; set; }

        public string? SharingKey { get; set; }

        public string? BackendKey { get; set; }

        public Dictionary<string, IReadOnlySet<ServicePortKey>> Ports { get; } = new(StringComparer.Ordinal);
    }
}
