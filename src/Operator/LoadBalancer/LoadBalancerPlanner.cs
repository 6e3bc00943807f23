using System.Net;
using System.Net.Sockets;
using KeepOperator.Api;
using KeepOperator.Api.Pools;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>
/// Services of type LoadBalancer to VirtualIps, as a pure function of what exists: pools are checked (an invalid or
/// overlapping one serves nobody), every address a VirtualIp of someone else's holds is reserved, Services keep what
/// they hold (a restarted operator moves nothing), then new Services are served oldest first. An address whose Service
/// went stays reserved until its VirtualIp is gone, so it is never bound twice. An address of Services with
/// externalTrafficPolicy Local is held only by nodes with a ready endpoint (<see cref="LocalTrafficPolicy"/>).
/// </summary>
public static class LoadBalancerPlanner
{
    public const string ReadyCondition = "Ready";

    /// <param name="endpoints">The endpoints of the Services (their EndpointSlices'), any order.</param>
    /// <param name="defaultClass">Also serve LoadBalancer Services that name no class (the cluster's default load balancer).</param>
    public static LoadBalancerPlan Build(
        IReadOnlyList<LoadBalancerService> services,
        IReadOnlyList<VirtualIpPool> pools,
        IReadOnlyList<VirtualIp> virtualIps,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels,
        IReadOnlyList<ServiceEndpoint> endpoints,
        bool defaultClass)
    {
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var valid = new List<VirtualIpPool>();
        foreach (var pool in pools)
        {
            var errors = VirtualIpPoolValidator.Validate(pool);
            if (errors.Count > 0)
            {
                refused[pool.Metadata.Name ?? ""] = string.Join("; ", errors);
            }
            else
            {
                valid.Add(pool);
            }
        }
        var overlaps = PoolOverlaps.Find(valid);
        foreach (var (name, why) in overlaps)
        {
            refused[name] = why;
        }
        var accepted = valid.Where(p => !overlaps.ContainsKey(p.Metadata.Name ?? "")).ToList();
        var allocator = new AddressAllocator(accepted);

        var managed = virtualIps.Where(IsManaged).ToDictionary(v => v.Metadata.Name ?? "", StringComparer.Ordinal);
        foreach (var vip in virtualIps.Where(v => !IsManaged(v)))
        {
            foreach (var address in Addresses(vip))
            {
                allocator.Reserve(address, $"VirtualIp {vip.Metadata.Name}");
            }
        }

        var ours = services.Where(s => IsOurs(s, defaultClass)).ToList();
        // Read once per plan, not once per Service.
        var named = AddressesByService(managed.Values);
        var ranges = accepted.SelectMany(VirtualIpPoolValidator.Ranges).ToList();
        var current = ours.ToDictionary(s => s.Key, s => Current(s, named, ranges), StringComparer.Ordinal);
        var requests = ours.ToDictionary(s => s.Key, s => Request(s, namespaceLabels), StringComparer.Ordinal);
        foreach (var service in ours.Where(s => current[s.Key].Count > 0).OrderBy(s => s.Created).ThenBy(s => s.Key, StringComparer.Ordinal))
        {
            allocator.Assign(requests[service.Key], current[service.Key]);
        }
        var held = allocator.Assignments.Values.SelectMany(a => a.Addresses).ToHashSet();
        foreach (var vip in managed.Values)
        {
            foreach (var address in Addresses(vip).Where(a => !held.Contains(a)))
            {
                allocator.Reserve(address, $"VirtualIp {vip.Metadata.Name} (being released)");
            }
        }
        var outcomes = new Dictionary<string, AllocationOutcome>(StringComparer.Ordinal);
        foreach (var service in ours.OrderBy(s => s.Created).ThenBy(s => s.Key, StringComparer.Ordinal))
        {
            outcomes[service.Key] = allocator.Assignments.TryGetValue(service.Key, out var kept) ? kept
                : InvalidRequested(service) is { } invalid ? AllocationOutcome.Failed(AllocationReasons.InvalidAddress, $"{invalid} (in {LoadBalancerNames.AddressesAnnotation} or spec.loadBalancerIP) is not an IP address")
                : allocator.Assign(requests[service.Key]);
        }

        var byAddress = outcomes.Where(o => o.Value.Succeeded)
            .SelectMany(o => o.Value.Addresses.Select(a => (Address: a, Service: o.Key, o.Value.Pool)))
            .GroupBy(x => x.Address);
        var byKey = ours.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var endpointsByService = endpoints.ToLookup(e => e.Service, StringComparer.Ordinal);
        var desired = new Dictionary<string, VirtualIp>(StringComparer.Ordinal);
        var withoutLocalEndpoint = new HashSet<IPAddress>();
        foreach (var group in byAddress)
        {
            var pool = accepted.Single(p => p.Metadata.Name == group.First().Pool);
            var name = LoadBalancerNames.VirtualIpName(group.Key);
            var spec = PoolVirtualIps.Spec(pool.Spec.VirtualIp, [group.Key]);
            spec.NodeNames = LocalTrafficPolicy.EligibleNodes(group.Select(g => byKey[g.Service]), endpointsByService);
            if (spec.NodeNames is { Count: 0 })
            {
                withoutLocalEndpoint.Add(group.Key); // kept allocated: held by no node until an endpoint is ready
            }
            desired[name] = new VirtualIp
            {
                Metadata = new ObjectMeta
                {
                    Name = name,
                    Labels = new() { [LoadBalancerNames.ManagedByLabel] = LoadBalancerNames.ManagedBy, [LoadBalancerNames.PoolLabel] = pool.Metadata.Name ?? "" },
                    Annotations = new() { [LoadBalancerNames.ServicesAnnotation] = string.Join(',', group.Select(g => g.Service).Order(StringComparer.Ordinal)) },
                },
                Spec = spec,
            };
        }

        var plans = ours.ToDictionary(s => s.Key, s =>
        {
            var outcome = outcomes[s.Key];
            var mode = accepted.FirstOrDefault(p => p.Metadata.Name == outcome.Pool)?.Spec.IpMode ?? VirtualIpPoolValidator.IpModeVip;
            var ingress = outcome.Addresses.Where(a => managed.GetValueOrDefault(LoadBalancerNames.VirtualIpName(a))?.Status?.Master is not null).ToList();
            return new ServiceLoadBalancing(outcome, mode, ingress) { WithoutLocalEndpoint = [.. outcome.Addresses.Where(withoutLocalEndpoint.Contains)] };
        }, StringComparer.Ordinal);

        var managedAddresses = managed.Values.SelectMany(Addresses).ToHashSet();
        var clear = services.Where(s => !IsOurs(s, defaultClass) && s.Ingress.Any(managedAddresses.Contains)).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();

        var servers = plans.Where(p => p.Value.Outcome.Succeeded && p.Value.IpMode == VirtualIpPoolValidator.IpModeProxy)
            .SelectMany(p => ProxyServers(ours.First(s => s.Key == p.Key), p.Value.Outcome))
            .ToDictionary(v => $"{v.Metadata.Namespace}/{v.Metadata.Name}", StringComparer.Ordinal);
        var statuses = pools.ToDictionary(p => p.Metadata.Name ?? "", p => PoolStatus(p, refused.GetValueOrDefault(p.Metadata.Name ?? ""), allocator), StringComparer.Ordinal);
        return new LoadBalancerPlan(desired, plans, [.. managed.Keys.Where(n => !desired.ContainsKey(n)).Order(StringComparer.Ordinal)], clear, statuses) { VirtualServers = servers };
    }

    /// <summary>
    /// Proxy mode: the master balances each Service port over the Service's ready endpoints itself (NAT to the pods,
    /// round robin, the Service's ClientIP affinity as persistence); readiness decides, so no health check of our own.
    /// </summary>
    private static IEnumerable<VirtualServer> ProxyServers(LoadBalancerService service, AllocationOutcome outcome) =>
        from address in outcome.Addresses
        from port in service.Ports
        select new VirtualServer
        {
            Metadata = new ObjectMeta
            {
                Name = $"{LoadBalancerNames.VirtualIpName(address)}-{port.Port}-{port.Protocol.ToLowerInvariant()}",
                Namespace = service.Namespace,
                Labels = new() { [LoadBalancerNames.ManagedByLabel] = LoadBalancerNames.ManagedBy },
                Annotations = new() { [LoadBalancerNames.ServicesAnnotation] = service.Key },
            },
            Spec = new VirtualServerSpec
            {
                VirtualIpRef = LoadBalancerNames.VirtualIpName(address),
                Port = port.Port,
                Protocol = port.Protocol,
                Scheduler = "rr",
                Forwarding = "NAT",
                PersistenceTimeout = service.AffinityTimeout is { } timeout ? GoDuration.Format(timeout) : null,
                ServiceRef = new ServiceReference { Name = service.Name, Port = port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        };

    public static bool IsManaged(VirtualIp vip) =>
        vip.Metadata.Labels?.GetValueOrDefault(LoadBalancerNames.ManagedByLabel) == LoadBalancerNames.ManagedBy;

    /// <summary>Type LoadBalancer with our class, or with none when we are the cluster's default.</summary>
    public static bool IsOurs(LoadBalancerService service, bool defaultClass) =>
        service.Type == "LoadBalancer" && (service.LoadBalancerClass == LoadBalancerNames.Class || (defaultClass && service.LoadBalancerClass is null));

    private static IEnumerable<IPAddress> Addresses(VirtualIp vip) =>
        vip.Spec.Addresses.Select(a => VirtualIpValidator.TryParseAddress(a, out var ip, out _, out _) ? ip : null).OfType<IPAddress>();

    /// <summary>What the Service holds: the managed VirtualIps that name it, else (their VirtualIps lost) the pool addresses its status shows.</summary>
    /// <summary>The addresses of our VirtualIps by the Services their annotation names.</summary>
    private static Dictionary<string, List<IPAddress>> AddressesByService(IEnumerable<VirtualIp> managed)
    {
        var byService = new Dictionary<string, List<IPAddress>>(StringComparer.Ordinal);
        foreach (var vip in managed)
        {
            foreach (var key in (vip.Metadata.Annotations?.GetValueOrDefault(LoadBalancerNames.ServicesAnnotation) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!byService.TryGetValue(key, out var addresses))
                {
                    byService[key] = addresses = [];
                }

                addresses.AddRange(Addresses(vip));
            }
        }

        return byService;
    }

    private static List<IPAddress> Current(LoadBalancerService service, Dictionary<string, List<IPAddress>> named, List<AddressRange> ranges)
    {
        var held = named.TryGetValue(service.Key, out var ours) && ours.Count > 0 ? ours : [.. service.Ingress.Where(a => ranges.Any(r => r.Contains(a)))];
        var order = Families(service);
        return [.. held.OrderBy(a => order.IndexOf(a.AddressFamily))];
    }

    private static List<AddressFamily> Families(LoadBalancerService service)
    {
        var families = service.IpFamilies.Select(f => f == "IPv6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork).Distinct().ToList();
        return families.Count > 0 ? families : [AddressFamily.InterNetwork];
    }

    private static string[] RequestedTexts(LoadBalancerService service) =>
        (service.Annotations.GetValueOrDefault(LoadBalancerNames.AddressesAnnotation) ?? service.LoadBalancerIP ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? InvalidRequested(LoadBalancerService service) =>
        RequestedTexts(service).FirstOrDefault(t => !VirtualIpValidator.TryParseAddress(t, out _, out _, out bool prefix) || prefix);

    private static AddressRequest Request(LoadBalancerService service, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels)
    {
        var requested = RequestedTexts(service).Select(t => VirtualIpValidator.TryParseAddress(t, out var ip, out _, out _) ? ip : null).OfType<IPAddress>().ToList();
        var families = Families(service);
        var wantsDual = service.IpFamilyPolicy is "RequireDualStack" or "PreferDualStack";
        return new AddressRequest(
            service.Key,
            service.Namespace,
            service.Labels,
            namespaceLabels.GetValueOrDefault(service.Namespace) ?? new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = service.Namespace },
            wantsDual ? families : [families[0]],
            service.IpFamilyPolicy == "RequireDualStack",
            requested,
            service.Annotations.GetValueOrDefault(LoadBalancerNames.PoolAnnotation),
            service.Annotations.GetValueOrDefault(LoadBalancerNames.SharingAnnotation),
            service.Ports.ToHashSet())
        {
            BackendKey = LocalTrafficPolicy.BackendKey(service),
        };
    }

    private static VirtualIpPoolStatus PoolStatus(VirtualIpPool pool, string? refusal, AddressAllocator allocator)
    {
        var status = new VirtualIpPoolStatus
        {
            ObservedGeneration = pool.Metadata.Generation,
            Conditions =
            [
                refusal is null
                    ? new Condition { Type = ReadyCondition, Status = "True", Reason = "Accepted", Message = "the pool hands out addresses", ObservedGeneration = pool.Metadata.Generation }
                    : new Condition { Type = ReadyCondition, Status = "False", Reason = "Refused", Message = refusal, ObservedGeneration = pool.Metadata.Generation },
            ],
        };
        if (refusal is null)
        {
            var name = pool.Metadata.Name ?? "";
            (status.AssignedIPv4, status.AvailableIPv4) = Counts(allocator.Usage(name, AddressFamily.InterNetwork));
            (status.AssignedIPv6, status.AvailableIPv6) = Counts(allocator.Usage(name, AddressFamily.InterNetworkV6));
        }
        return status;
    }

    private static (long, long) Counts((UInt128 Assigned, UInt128 Available) usage) =>
        ((long)UInt128.Min(usage.Assigned, long.MaxValue), (long)UInt128.Min(usage.Available, long.MaxValue));
}
