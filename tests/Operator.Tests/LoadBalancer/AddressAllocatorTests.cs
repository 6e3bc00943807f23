using System.Net;
using System.Net.Sockets;
using KeepOperator.Api;
using KeepOperator.Api.Pools;
using KeepOperator.Operator.LoadBalancer;
using Xunit;

namespace KeepOperator.Operator.Tests.LoadBalancer;

public sealed class AddressAllocatorTests
{
    private static readonly AddressFamily V4 = AddressFamily.InterNetwork;
    private static readonly AddressFamily V6 = AddressFamily.InterNetworkV6;

    internal static VirtualIpPool Pool(string name, params string[] addresses) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new VirtualIpPoolSpec { Addresses = [.. addresses] },
    };

    internal static AddressRequest Request(string key, AddressFamily[]? families = null, string[]? requested = null, string? pool = null, string? sharingKey = null, int[]? ports = null, string ns = "default", Dictionary<string, string>? labels = null, bool requireAll = false) => new(
        key, ns, labels ?? [], new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns },
        families ?? [V4], requireAll, [.. (requested ?? []).Select(IPAddress.Parse)], pool, sharingKey,
        (ports ?? [80]).Select(p => new ServicePortKey("TCP", p)).ToHashSet());

    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    [Fact]
    public void Services_get_the_pools_addresses_in_order_and_a_released_one_comes_back()
    {
        var allocator = new AddressAllocator([Pool("lan", "192.0.2.10-192.0.2.12")]);

        var a = allocator.Assign(Request("default/a"));
        var b = allocator.Assign(Request("default/b"));
        allocator.Release("default/a");
        var c = allocator.Assign(Request("default/c"));

        Assert.Equal([Ip("192.0.2.10")], a.Addresses);
        Assert.Equal([Ip("192.0.2.11")], b.Addresses);
        Assert.Equal([Ip("192.0.2.10")], c.Addresses);
        Assert.Equal("lan", c.Pool);
    }

    [Fact]
    public void An_exhausted_pool_says_so_and_a_reserved_address_is_never_handed_out()
    {
        var allocator = new AddressAllocator([Pool("lan", "192.0.2.10/31")]);
        allocator.Reserve(Ip("192.0.2.10"), "VirtualIp hand-made");

        var a = allocator.Assign(Request("default/a"));
        var b = allocator.Assign(Request("default/b"));

        Assert.Equal([Ip("192.0.2.11")], a.Addresses);
        Assert.False(b.Succeeded);
        Assert.Equal(AllocationReasons.NoAddressAvailable, b.FailureReason);
        Assert.Contains("lan", b.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_requested_address_is_honoured_or_refused_with_the_reason()
    {
        var allocator = new AddressAllocator([Pool("lan", "192.0.2.0/28")]);
        allocator.Reserve(Ip("192.0.2.3"), "VirtualIp hand-made");

        Assert.Equal([Ip("192.0.2.7")], allocator.Assign(Request("default/a", requested: ["192.0.2.7"])).Addresses);
        Assert.Equal(AllocationReasons.RequestedAddressInUse, allocator.Assign(Request("default/b", requested: ["192.0.2.7"])).FailureReason);
        Assert.Equal(AllocationReasons.RequestedAddressInUse, allocator.Assign(Request("default/c", requested: ["192.0.2.3"])).FailureReason);
        Assert.Equal(AllocationReasons.RequestedAddressNotInPool, allocator.Assign(Request("default/d", requested: ["198.51.100.1"])).FailureReason);
        Assert.Equal(AllocationReasons.UnknownPool, allocator.Assign(Request("default/e", pool: "wan")).FailureReason);
    }

    [Fact]
    public void Services_with_one_sharing_key_share_an_address_until_their_ports_clash()
    {
        var allocator = new AddressAllocator([Pool("lan", "192.0.2.10-192.0.2.20")]);

        var web = allocator.Assign(Request("default/web", sharingKey: "k", ports: [80]));
        var tls = allocator.Assign(Request("default/tls", sharingKey: "k", ports: [443]));
        var other = allocator.Assign(Request("default/other", sharingKey: "k", ports: [443]));
        var stranger = allocator.Assign(Request("default/stranger", requested: ["192.0.2.10"], ports: [8080]));
        var clash = allocator.Assign(Request("default/clash", requested: ["192.0.2.10"], sharingKey: "k", ports: [80]));

        Assert.Equal(web.Addresses, tls.Addresses);
        Assert.Equal([Ip("192.0.2.11")], other.Addresses);
        Assert.Equal(AllocationReasons.RequestedAddressInUse, stranger.FailureReason);
        Assert.Equal(AllocationReasons.PortClash, clash.FailureReason);
        Assert.Contains("80/TCP of default/web", clash.FailureMessage, StringComparison.Ordinal);
        allocator.Release("default/web");
        Assert.Equal(web.Addresses, allocator.Assign(Request("default/clash", requested: ["192.0.2.10"], sharingKey: "k", ports: [80])).Addresses);
    }

    [Fact]
    public void Pools_are_chosen_by_priority_autoAssign_and_selectors()
    {
        var cheap = Pool("cheap", "10.0.0.0/24");
        var gold = Pool("gold", "192.0.2.0/28");
        gold.Spec.ServiceAllocation = new ServiceAllocation { Priority = 1, ServiceSelectors = [new LabelSelector { MatchLabels = new() { ["tier"] = "gold" } }] };
        var expensive = Pool("expensive", "198.51.100.0/30");
        expensive.Spec.AutoAssign = false;
        var team = Pool("team", "203.0.113.0/28");
        team.Spec.ServiceAllocation = new ServiceAllocation { Priority = 0, Namespaces = ["team-a"] };
        var allocator = new AddressAllocator([cheap, gold, expensive, team]);

        Assert.Equal("cheap", allocator.Assign(Request("default/plain")).Pool);
        Assert.Equal("gold", allocator.Assign(Request("default/shiny", labels: new() { ["tier"] = "gold" })).Pool);
        Assert.Equal("team", allocator.Assign(Request("team-a/app", ns: "team-a")).Pool);
        Assert.Equal("expensive", allocator.Assign(Request("default/asked", pool: "expensive")).Pool);
        Assert.Equal(AllocationReasons.NoPoolMatches, allocator.Assign(Request("default/wrong", pool: "team")).FailureReason);
    }

    [Fact]
    public void Dual_stack_gets_one_address_per_family_from_one_pool()
    {
        var v4only = Pool("v4", "10.0.0.0/30");
        var dual = Pool("dual", "192.0.2.0/30", "2001:db8::/126");
        dual.Spec.ServiceAllocation = new ServiceAllocation { Priority = 5 };
        var allocator = new AddressAllocator([v4only, dual]);

        var required = allocator.Assign(Request("default/req", families: [V6, V4], requireAll: true));
        var preferred = allocator.Assign(Request("default/pref", families: [V4, V6]));

        Assert.Equal("dual", required.Pool);
        Assert.Equal([Ip("2001:db8::"), Ip("192.0.2.0")], required.Addresses);
        Assert.Equal("dual", preferred.Pool); // by priority: set beats unset
        Assert.Equal([Ip("192.0.2.1"), Ip("2001:db8::1")], preferred.Addresses);
    }

    [Fact]
    public void AvoidBuggyIPs_skips_the_zero_and_255_addresses_and_counts_without_them()
    {
        var pool = Pool("lan", "192.0.2.254-192.0.3.1");
        pool.Spec.AvoidBuggyIPs = true;
        var allocator = new AddressAllocator([pool]);

        var a = allocator.Assign(Request("default/a"));
        var b = allocator.Assign(Request("default/b"));
        var c = allocator.Assign(Request("default/c"));

        Assert.Equal([Ip("192.0.2.254")], a.Addresses);
        Assert.Equal([Ip("192.0.3.1")], b.Addresses);
        Assert.Equal(AllocationReasons.NoAddressAvailable, c.FailureReason);
        Assert.Equal(((UInt128)2, (UInt128)0), allocator.Usage("lan", V4));
    }

    [Fact]
    public void What_a_Service_holds_stays_when_the_allocator_is_rebuilt_in_another_order()
    {
        var pools = new[] { Pool("lan", "192.0.2.0/29") };
        var first = new AddressAllocator(pools);
        var held = Enumerable.Range(0, 6).ToDictionary(i => $"default/s{i}", i => first.Assign(Request($"default/s{i}")).Addresses);
        first.Release("default/s2");
        held.Remove("default/s2");

        var restarted = new AddressAllocator(pools);
        foreach (var (key, addresses) in held.Reverse())
        {
            restarted.Assign(Request(key), addresses);
        }
        var newcomer = restarted.Assign(Request("default/new"));

        Assert.All(held, h => Assert.Equal(h.Value, restarted.Assignments[h.Key].Addresses));
        Assert.Equal([Ip("192.0.2.2")], newcomer.Addresses);
    }

    [Fact]
    public void A_Service_that_names_another_pool_moves_and_one_whose_address_left_the_pool_gets_a_new_one()
    {
        var lan = Pool("lan", "192.0.2.0/30");
        var wan = Pool("wan", "198.51.100.0/30");
        var allocator = new AddressAllocator([lan, wan]);

        var moved = allocator.Assign(Request("default/a", pool: "wan"), [Ip("192.0.2.1")]);
        var renewed = allocator.Assign(Request("default/b"), [Ip("203.0.113.9")]);

        Assert.Equal("wan", moved.Pool);
        Assert.Equal([Ip("192.0.2.0")], renewed.Addresses);
    }

    /// <summary>The issue's churn test: 10,000 seeded assigns and releases of sharing and plain Services; the pool ends as it started.</summary>
    [Fact]
    public void Ten_thousand_assigns_and_releases_under_churn_leave_the_pool_as_it_started()
    {
        var pool = Pool("lan", "192.0.2.0/28", "2001:db8::/124");
        var allocator = new AddressAllocator([pool]);
        var random = new Random(1234);
        var asked = new Dictionary<string, (string? SharingKey, int Port)>();
        int assigned = 0, refused = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var key = $"ns/s{random.Next(60)}";
            if (allocator.Assignments.ContainsKey(key) && random.Next(2) == 0)
            {
                allocator.Release(key);
                continue;
            }
            var families = random.Next(3) switch { 0 => new[] { V4 }, 1 => [V6], _ => [V4, V6] };
            var sharing = random.Next(4) == 0 ? "shared" : null;
            int port = random.Next(1, 4);
            asked[key] = (sharing, port);
            _ = allocator.Assign(Request(key, families, sharingKey: sharing, ports: [port])).Succeeded ? assigned++ : refused++;
            AssertSharedOnlyUnderOneKeyWithoutClash(allocator, asked);
        }
        foreach (var key in allocator.Assignments.Keys.ToList())
        {
            allocator.Release(key);
        }

        Assert.True(assigned > 1000 && refused > 100, $"the churn should both fill and exhaust the pool: {assigned} assigned, {refused} refused");
        Assert.Empty(allocator.Assignments);
        Assert.Equal(((UInt128)0, (UInt128)16), allocator.Usage("lan", V4));
        Assert.Equal(((UInt128)0, (UInt128)16), allocator.Usage("lan", V6));
    }

    /// <summary>An address held by several Services: all asked with the same sharing key, and no two with one port.</summary>
    private static void AssertSharedOnlyUnderOneKeyWithoutClash(AddressAllocator allocator, Dictionary<string, (string? SharingKey, int Port)> asked)
    {
        var holders = allocator.Assignments.SelectMany(a => a.Value.Addresses.Select(address => (Address: address, Service: a.Key))).GroupBy(h => h.Address);
        foreach (var group in holders.Where(g => g.Count() > 1))
        {
            var services = group.Select(g => asked[g.Service]).ToList();
            Assert.True(services.All(s => s.SharingKey == "shared"), $"{group.Key} is held by {string.Join(", ", group.Select(g => g.Service))} without a common sharing key");
            Assert.Equal(services.Count, services.Select(s => s.Port).Distinct().Count());
        }
    }
}
