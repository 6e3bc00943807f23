using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>A desired table, the kernel's current one, and which services we own.</summary>
public sealed record ReconcileScenario(
    IReadOnlyList<LoadBalancedService> Desired,
    IReadOnlyList<LoadBalancedService> Current,
    IReadOnlySet<ServiceKey> Owned)
{
    public bool IsOwned(ServiceKey key) => Owned.Contains(key);

    public override string ToString() =>
        $"Desired:\n{Describe(Desired)}\nCurrent:\n{Describe(Current)}\nOwned: {string.Join(", ", Owned)}";

    internal static string Describe(IEnumerable<LoadBalancedService> table) => string.Join("\n", table.Select(v =>
        $"  {v.Service}\n" + string.Concat(v.Destinations.Select(d => $"    {d}\n"))));
}

/// <summary>
/// Small pools of keys, addresses and settings so desired and current overlap often: the same
/// service with other settings, the same real server with another weight, and so on.
/// </summary>
public static class ReconcileScenarioArbitrary
{
    private static readonly ServiceKey[] Keys =
    [
        ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80),
        ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 443),
        ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("10.0.0.1"), 53),
        ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 80),
        ServiceKey.ForFirewallMark(1),
        ServiceKey.ForFirewallMark(2, AddressFamily.InterNetworkV6),
    ];

    private static readonly IPAddress[] V4Servers = [IPAddress.Parse("10.0.1.1"), IPAddress.Parse("10.0.1.2"), IPAddress.Parse("10.0.1.3")];
    private static readonly IPAddress[] V6Servers = [IPAddress.Parse("2001:db8::a"), IPAddress.Parse("2001:db8::b")];

    public static Arbitrary<ReconcileScenario> Scenario() => Arb.From(ScenarioGen);

    private static Gen<ReconcileScenario> ScenarioGen =>
        from desired in Table(hashed: false)
        from current in Gen.Frequency(
            (1, Table(hashed: true)),
            (2, Mutate(desired)))
        from owned in Gen.SubListOf(Keys)
        select new ReconcileScenario(desired, current, owned.ToHashSet());

    internal static Gen<VirtualService> Service(ServiceKey key, bool hashed) =>
        from scheduler in Gen.Elements("rr", "wlc")
        from persistent in Gen.Elements(false, true)
        from narrow in Gen.Elements(false, true)
        from setHashed in Gen.Elements(false, hashed)
        select new VirtualService(key)
        {
            Scheduler = scheduler,
            Flags = (persistent ? ServiceFlags.Persistent : 0) | (setHashed ? ServiceFlags.Hashed : 0),
            PersistenceTimeout = persistent ? 50u : 0u,
            NetmaskPrefixLength = narrow ? key.MaxPrefixLength / 2 : key.MaxPrefixLength,
        };

    private static Gen<ServiceDestination> Destination(IPAddress address) =>
        from port in Gen.Elements<ushort>(80, 8080)
        from method in Gen.Elements(PacketForwarding.DirectRoute, PacketForwarding.Masquerade)
        from weight in Gen.Elements(0, 1, 2)
        from upper in Gen.Elements(0u, 10u)
        select new ServiceDestination(address, port) { ForwardingMethod = method, Weight = weight, UpperThreshold = upper };

    internal static Gen<LoadBalancedService> VirtualServer(ServiceKey key, bool hashed) =>
        from service in Service(key, hashed)
        from addresses in Gen.SubListOf(key.Family == AddressFamily.InterNetworkV6 ? V6Servers : V4Servers)
        from destinations in Gen.CollectToList(addresses, Destination)
        select new LoadBalancedService(service, Distinct(destinations));

    internal static Gen<IReadOnlyList<LoadBalancedService>> Table(bool hashed) =>
        from keys in Gen.SubListOf(Keys)
        from shuffled in Gen.Shuffle(keys.ToArray())
        from servers in Gen.CollectToList(shuffled, k => VirtualServer(k, hashed))
        select (IReadOnlyList<LoadBalancedService>)servers.ToList();

    /// <summary>The desired table with some services dropped, re-set or given other real servers, plus maybe extra services.</summary>
    private static Gen<IReadOnlyList<LoadBalancedService>> Mutate(IReadOnlyList<LoadBalancedService> desired) =>
        from kept in Gen.CollectToList(desired, MutateOne)
        from extra in Table(hashed: true)
        from shuffled in Gen.Shuffle(kept.Where(v => v is not null).Select(v => v!)
            .Concat(extra.Where(e => desired.All(d => d.Key != e.Key))).ToArray())
        select (IReadOnlyList<LoadBalancedService>)shuffled.ToList();

    private static Gen<LoadBalancedService?> MutateOne(LoadBalancedService server) =>
        Gen.Frequency(
            (3, Gen.Constant<LoadBalancedService?>(server)),
            (1, Gen.Constant<LoadBalancedService?>(null)),
            (1, Service(server.Key, hashed: true).Select(s => (LoadBalancedService?)(server with { Service = s }))),
            (2, VirtualServer(server.Key, hashed: true).Select(v => (LoadBalancedService?)(server with { Destinations = v.Destinations }))),
            (1, Gen.Constant<LoadBalancedService?>(server with { Service = server.Service with { Flags = server.Service.Flags | ServiceFlags.Hashed } })));

    private static List<ServiceDestination> Distinct(IEnumerable<ServiceDestination> destinations)
    {
        var result = new List<ServiceDestination>();
        foreach (var d in destinations)
        {
            if (!result.Any(r => r.SameServerAs(d)))
            {
                result.Add(d);
            }
        }
        return result;
    }
}

public sealed class IpvsReconcilerTests
{
    private static readonly ServiceKey Web = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("192.168.216.250"), 80);
    private static readonly ServiceDestination Rs204 = new(IPAddress.Parse("192.168.216.204"), 80);
    private static readonly ServiceDestination Rs179 = new(IPAddress.Parse("192.168.216.179"), 80);
    private static readonly VirtualService WebService = new(Web) { Scheduler = "rr", Flags = ServiceFlags.Persistent, PersistenceTimeout = 50 };

    // ---- properties ----

    [Property(Arbitrary = [typeof(ReconcileScenarioArbitrary)], MaxTest = 500)]
    public Property Applying_the_plan_yields_the_desired_state(ReconcileScenario s)
    {
        var plan = IpvsReconciler.Plan(s.Desired, s.Current, s.IsOwned);
        var after = FakeIpvsKernel.Apply(s.Current, plan);
        var expected = s.Desired
            .Concat(s.Current.Where(c => !s.Desired.Any(d => d.Key == c.Key) && !s.IsOwned(c.Key)))
            .ToList();
        return SameTable(expected, after).Label($"plan:\n  {string.Join("\n  ", plan.Select(IpvsadmCommandRenderer.Render))}");
    }

    [Property(Arbitrary = [typeof(ReconcileScenarioArbitrary)], MaxTest = 300)]
    public bool A_converged_table_needs_no_commands(ReconcileScenario s) =>
        IpvsReconciler.Plan(s.Desired, s.Desired, s.IsOwned).Count == 0
        && IpvsReconciler.Plan(s.Desired, FakeIpvsKernel.Apply(s.Current, IpvsReconciler.Plan(s.Desired, s.Current, s.IsOwned)), s.IsOwned).Count == 0;

    [Property(Arbitrary = [typeof(ReconcileScenarioArbitrary)], MaxTest = 500)]
    public bool Unowned_services_are_never_touched(ReconcileScenario s)
    {
        var untouchable = s.Current
            .Where(c => !s.Desired.Any(d => d.Key == c.Key) && !s.IsOwned(c.Key))
            .Select(c => c.Key)
            .ToHashSet();
        return IpvsReconciler.Plan(s.Desired, s.Current, s.IsOwned).All(c => KeyOf(c) is not { } key || !untouchable.Contains(key));
    }

    [Property(Arbitrary = [typeof(ReconcileScenarioArbitrary)], MaxTest = 500)]
    public Property The_plan_is_minimal(ReconcileScenario s)
    {
        var plan = IpvsReconciler.Plan(s.Desired, s.Current, s.IsOwned);

        // Every difference needs at least one command and no command fixes two; so the lower bound is the count of differences.
        int lowerBound = 0;
        foreach (var want in s.Desired)
        {
            var have = s.Current.FirstOrDefault(c => c.Key == want.Key);
            if (have is null)
            {
                lowerBound += 1 + want.Destinations.Count;
                continue;
            }
            lowerBound += Strip(have.Service) == Strip(want.Service) ? 0 : 1;
            lowerBound += want.Destinations.Count(d => !have.Destinations.Contains(d));
            lowerBound += have.Destinations.Count(h => !want.Destinations.Any(d => d.SameServerAs(h)));
        }
        lowerBound += s.Current.Count(c => !s.Desired.Any(d => d.Key == c.Key) && s.IsOwned(c.Key));

        bool noRecreate = !plan.OfType<IpvsCommand.DeleteService>().Any(d => s.Desired.Any(w => w.Key == d.Service))
            && !plan.OfType<IpvsCommand.DeleteDestination>().Any(d =>
                s.Desired.Any(w => w.Key == d.Service && w.Destinations.Any(x => x.Address.Equals(d.Address) && x.Port == d.Port)));
        return (plan.Count == lowerBound).Label($"plan has {plan.Count} commands, {lowerBound} differences")
            .And(noRecreate.Label("deletes something it also wants"));
    }

    [Fact]
    public void Scenarios_exercise_every_kind_of_command_and_unowned_services()
    {
        // Guards the properties above against a generator that only ever produces trivial tables.
        var samples = ReconcileScenarioArbitrary.Scenario().Generator.Sample(400);
        var plans = samples.Select(s => IpvsReconciler.Plan(s.Desired, s.Current, s.IsOwned)).ToList();
        var kinds = plans.SelectMany(p => p).Select(c => c.GetType()).ToHashSet();
        Assert.Equal(6, kinds.Count);
        Assert.Contains(plans, p => p.Count == 0);
        Assert.Contains(samples, s => s.Current.Any(c => !s.Desired.Any(d => d.Key == c.Key) && !s.IsOwned(c.Key)));
        Assert.Contains(samples, s => s.Current.Any(c => (c.Service.Flags & ServiceFlags.Hashed) != 0));
    }

    // ---- examples ----

    [Fact]
    public void Empty_kernel_gets_service_then_servers()
    {
        var desired = new[] { new LoadBalancedService(WebService, Rs204, Rs179) };
        var plan = IpvsReconciler.Plan(desired, [], _ => true);
        Assert.Equal(
            [
                "ipvsadm -A -t 192.168.216.250:80 -s rr -p 50",
                "ipvsadm -a -t 192.168.216.250:80 -r 192.168.216.204:80 -g -w 1",
                "ipvsadm -a -t 192.168.216.250:80 -r 192.168.216.179:80 -g -w 1",
            ],
            plan.Select(IpvsadmCommandRenderer.Render));
    }

    [Fact]
    public void Weight_change_is_one_edit_not_a_delete_and_add()
    {
        var desired = new[] { new LoadBalancedService(WebService, Rs204, Rs179 with { Weight = 0 }) };
        var current = new[] { new LoadBalancedService(WebService with { Flags = WebService.Flags | ServiceFlags.Hashed }, Rs179, Rs204) };
        var plan = IpvsReconciler.Plan(desired, current, _ => true);
        Assert.Equal(["ipvsadm -e -t 192.168.216.250:80 -r 192.168.216.179:80 -g -w 0"], plan.Select(IpvsadmCommandRenderer.Render));
    }

    [Fact]
    public void Scheduler_change_is_one_service_edit()
    {
        var desired = new[] { new LoadBalancedService(WebService with { Scheduler = "wlc" }, Rs204) };
        var current = new[] { new LoadBalancedService(WebService, Rs204) };
        var plan = IpvsReconciler.Plan(desired, current, _ => true);
        Assert.Equal([new IpvsCommand.EditService(WebService with { Scheduler = "wlc" })], plan);
    }

    [Fact]
    public void Servers_are_added_before_others_are_removed_and_stale_services_go_last()
    {
        var stale = ServiceKey.ForFirewallMark(9);
        var foreign = ServiceKey.ForFirewallMark(10);
        var desired = new[] { new LoadBalancedService(WebService, Rs204) };
        var current = new[]
        {
            new LoadBalancedService(new VirtualService(stale), new ServiceDestination(IPAddress.Parse("10.9.9.9"), 0)),
            new LoadBalancedService(WebService, Rs179),
            new LoadBalancedService(new VirtualService(foreign)),
        };
        var plan = IpvsReconciler.Plan(desired, current, key => key != foreign);
        Assert.Equal(
            [
                "ipvsadm -a -t 192.168.216.250:80 -r 192.168.216.204:80 -g -w 1",
                "ipvsadm -d -t 192.168.216.250:80 -r 192.168.216.179:80",
                "ipvsadm -D -f 9",
            ],
            plan.Select(IpvsadmCommandRenderer.Render));
    }

    [Fact]
    public void A_desired_service_is_managed_whole_even_if_someone_else_created_it()
    {
        var desired = new[] { new LoadBalancedService(WebService, Rs204) };
        var current = new[] { new LoadBalancedService(WebService, Rs204, Rs179) };
        var plan = IpvsReconciler.Plan(desired, current, _ => false);
        Assert.Equal([new IpvsCommand.DeleteDestination(Web, Rs179.Address, Rs179.Port)], plan);
    }

    [Fact]
    public void Duplicates_in_the_desired_table_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => IpvsReconciler.Plan(
            [new LoadBalancedService(WebService), new LoadBalancedService(WebService with { Scheduler = "lc" })], [], _ => true));
        Assert.Throws<ArgumentException>(() => IpvsReconciler.Plan(
            [new LoadBalancedService(WebService, Rs204, Rs204 with { Weight = 3 })], [], _ => true));
    }

    [Fact]
    public void Virtual_server_equality_ignores_server_order_but_not_content()
    {
        Assert.Equal(new LoadBalancedService(WebService, Rs204, Rs179), new LoadBalancedService(WebService, Rs179, Rs204));
        Assert.Equal(new LoadBalancedService(WebService, Rs204, Rs179).GetHashCode(), new LoadBalancedService(WebService, Rs179, Rs204).GetHashCode());
        Assert.NotEqual(new LoadBalancedService(WebService, Rs204, Rs179), new LoadBalancedService(WebService, Rs204, Rs179 with { Weight = 2 }));
        Assert.NotEqual(new LoadBalancedService(WebService, Rs204), new LoadBalancedService(WebService, Rs204, Rs204));
    }

    // ---- helpers ----

    private static ServiceKey? KeyOf(IpvsCommand command) => command switch
    {
        IpvsCommand.AddService c => c.Service.Key,
        IpvsCommand.EditService c => c.Service.Key,
        IpvsCommand.DeleteService c => c.Service,
        IpvsCommand.AddDestination c => c.Service,
        IpvsCommand.EditDestination c => c.Service,
        IpvsCommand.DeleteDestination c => c.Service,
        _ => null,
    };

    private static VirtualService Strip(VirtualService s) => s with { Flags = s.Flags & ~ServiceFlags.Hashed };

    private static bool SameTable(IReadOnlyList<LoadBalancedService> expected, IReadOnlyList<LoadBalancedService> actual)
    {
        static LoadBalancedService Normalize(LoadBalancedService v) => v with { Service = Strip(v.Service) };
        var e = expected.Select(Normalize).ToList();
        var a = actual.Select(Normalize).ToList();
        return e.Count == a.Count && e.All(x => a.Contains(x));
    }
}

/// <summary>
/// A model of the kernel's IPVS table with its error behaviour: adding what exists (EEXIST) or
/// changing what does not (ESRCH / ENOENT) fails, so a plan that works here is valid in order.
/// </summary>
internal static class FakeIpvsKernel
{
    public static IReadOnlyList<LoadBalancedService> Apply(IEnumerable<LoadBalancedService> initial, IEnumerable<IpvsCommand> plan)
    {
        var table = initial.Select(v => (Service: v.Service, Destinations: v.Destinations.ToList())).ToList();

        int Find(ServiceKey key, bool mustExist)
        {
            int index = table.FindIndex(t => t.Service.Key == key);
            if (mustExist && index < 0)
            {
                throw new InvalidOperationException($"ESRCH: no service {key}");
            }
            return index;
        }

        foreach (var command in plan)
        {
            switch (command)
            {
                case IpvsCommand.AddService c:
                    if (Find(c.Service.Key, false) >= 0)
                    {
                        throw new InvalidOperationException($"EEXIST: service {c.Service.Key}");
                    }
                    table.Add((c.Service with { Flags = c.Service.Flags | ServiceFlags.Hashed }, []));
                    break;
                case IpvsCommand.EditService c:
                    {
                        int i = Find(c.Service.Key, true);
                        table[i] = (c.Service with { Flags = c.Service.Flags | ServiceFlags.Hashed }, table[i].Destinations);
                        break;
                    }
                case IpvsCommand.DeleteService c:
                    table.RemoveAt(Find(c.Service, true));
                    break;
                case IpvsCommand.AddDestination c:
                    {
                        var list = table[Find(c.Service, true)].Destinations;
                        if (list.Any(d => d.SameServerAs(c.Destination)))
                        {
                            throw new InvalidOperationException($"EEXIST: {c.Destination.Address}:{c.Destination.Port}");
                        }
                        list.Add(c.Destination);
                        break;
                    }
                case IpvsCommand.EditDestination c:
                    {
                        var list = table[Find(c.Service, true)].Destinations;
                        int j = list.FindIndex(d => d.SameServerAs(c.Destination));
                        if (j < 0)
                        {
                            throw new InvalidOperationException($"ENOENT: {c.Destination.Address}:{c.Destination.Port}");
                        }
                        list[j] = c.Destination;
                        break;
                    }
                case IpvsCommand.DeleteDestination c:
                    {
                        var list = table[Find(c.Service, true)].Destinations;
                        if (list.RemoveAll(d => d.Address.Equals(c.Address) && d.Port == c.Port) != 1)
                        {
                            throw new InvalidOperationException($"ENOENT: {c.Address}:{c.Port}");
                        }
                        break;
                    }
                default:
                    throw new InvalidOperationException($"A reconcile plan should not contain {command}.");
            }
        }
        return table.Select(t => new LoadBalancedService(t.Service, t.Destinations.ToArray())).ToList();
    }
}
