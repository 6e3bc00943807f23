using KeepOperator.Api.Pools;
using Xunit;

namespace KeepOperator.Api.Tests.Pools;

public sealed class VirtualIpPoolValidatorTests
{
    private static VirtualIpPool Pool(string name, params string[] addresses) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new VirtualIpPoolSpec { Addresses = [.. addresses] },
    };

    [Fact]
    public void A_plain_dual_stack_pool_is_valid()
    {
        Assert.Empty(VirtualIpPoolValidator.Validate(Pool("lan", "192.0.2.0/28", "2001:db8::10-2001:db8::1f")));
    }

    [Fact]
    public void Bad_entries_overlaps_inside_the_pool_and_a_bad_mode_are_named_by_path()
    {
        var pool = Pool("lan", "192.0.2.0/28", "192.0.2.5-192.0.2.30", "nonsense");
        pool.Spec.IpMode = "Tunnel";

        var errors = VirtualIpPoolValidator.Validate(pool).Select(e => e.ToString()).ToList();

        Assert.Contains("spec.addresses[1]: 192.0.2.5-192.0.2.30 overlaps 192.0.2.0-192.0.2.15 in the same pool", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.addresses[2]:", StringComparison.Ordinal));
        Assert.Contains("spec.ipMode: must be VIP or Proxy, got \"Tunnel\"", errors);
        Assert.Contains(VirtualIpPoolValidator.Validate(Pool("empty")), e => e.Path == "spec.addresses");
    }

    [Fact]
    public void The_template_is_checked_by_the_VirtualIp_rules_for_each_family()
    {
        var pool = Pool("lan", "192.0.2.0/28", "2001:db8::/120");
        pool.Spec.VirtualIp = new VirtualIpTemplate { VrrpVersion = 2, AdvertInterval = "250ms" };

        var errors = VirtualIpPoolValidator.Validate(pool).Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("spec.virtualIp.vrrpVersion: IPv6 addresses need VRRP version 3", StringComparison.Ordinal) && e.EndsWith("(for the pool's IPv6 addresses)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.virtualIp.advertInterval:", StringComparison.Ordinal) && e.EndsWith("(for the pool's IPv4 addresses)", StringComparison.Ordinal));
    }

    [Fact]
    public void Of_two_overlapping_pools_the_later_one_is_refused()
    {
        var old = Pool("old", "192.0.2.0/24");
        old.Metadata.CreationTimestamp = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var late = Pool("a-late", "192.0.2.128/25", "198.51.100.0/24");
        late.Metadata.CreationTimestamp = DateTimeOffset.Parse("2026-02-01T00:00:00Z");
        var apart = Pool("apart", "198.51.101.0/24");

        var refused = PoolOverlaps.Find([late, apart, old]);

        Assert.Equal(["a-late"], refused.Keys);
        Assert.Equal("192.0.2.128-192.0.2.255 overlaps 192.0.2.0-192.0.2.255 of VirtualIpPool old", refused["a-late"]);
    }
}
