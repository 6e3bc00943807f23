using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KeepOperator.Operator.Reconcile;
using Xunit;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class VridAllocatorTests
{
    private static readonly SegmentKey Eth0 = new("eth0", AddressFamily.InterNetwork);
    private static readonly SegmentKey Eth1 = new("eth1", AddressFamily.InterNetwork);
    private static readonly SegmentKey Eth0V6 = new("eth0", AddressFamily.InterNetworkV6);

    private static VridClaim Claim(string name, SegmentKey segment, int? requested = null, int? previous = null, int created = 0) =>
        new(name, segment, requested, previous, TestObjects.Epoch.AddSeconds(created));

    [Fact]
    public void LowestFreeVrids_InCreationOrder_SkippingRequestedOnes()
    {
        var result = VridAllocator.Allocate([Claim("b", Eth0, created: 2), Claim("a", Eth0, created: 1), Claim("fixed", Eth0, requested: 1)]);
        Assert.Equal(1, result.Assigned["fixed"]);
        Assert.Equal(2, result.Assigned["a"]);
        Assert.Equal(3, result.Assigned["b"]);
        Assert.Empty(result.Conflicts);
    }

    [Fact]
    public void Segments_AreSeparateVridSpaces_ByInterfaceAndFamily()
    {
        var result = VridAllocator.Allocate([Claim("a", Eth0), Claim("b", Eth1), Claim("c", Eth0V6)]);
        Assert.Equal([1, 1, 1], new[] { result.Assigned["a"], result.Assigned["b"], result.Assigned["c"] });
    }

    [Fact]
    public void PreviouslyAllocatedVrid_IsKept_EvenWhenALowerOneIsFree()
    {
        var result = VridAllocator.Allocate([Claim("old", Eth0, previous: 7), Claim("new", Eth0, created: 5)]);
        Assert.Equal(7, result.Assigned["old"]);
        Assert.Equal(1, result.Assigned["new"]);
    }

    [Fact]
    public void SameVridTwiceOnASegment_IsAConflictForBoth()
    {
        var result = VridAllocator.Allocate([Claim("web", Eth0, requested: 51), Claim("db", Eth0, requested: 51), Claim("other", Eth1, requested: 51)]);
        Assert.Equal(["db"], result.Conflicts["web"]);
        Assert.Equal(["web"], result.Conflicts["db"]);
        Assert.False(result.Conflicts.ContainsKey("other"));
        Assert.Equal(51, result.Assigned["web"]);
    }

    [Fact]
    public void RequestedVridEqualToAnotherOnesAllocatedVrid_IsAConflict_NotASilentRenumbering()
    {
        var result = VridAllocator.Allocate([Claim("running", Eth0, previous: 3), Claim("typed", Eth0, requested: 3)]);
        Assert.Contains("running", result.Conflicts["typed"]);
        Assert.Contains("typed", result.Conflicts["running"]);
    }

    [Fact]
    public void FullSegment_LeavesTheRestExhausted()
    {
        var claims = Enumerable.Range(1, 255).Select(i => Claim("v" + i, Eth0, requested: i)).Append(Claim("late", Eth0));
        var result = VridAllocator.Allocate(claims);
        Assert.Contains("late", result.Exhausted);
        Assert.False(result.Assigned.ContainsKey("late"));
    }

    [Fact]
    public void VridsForeignRoutersAdvertise_AreNeverAllocated_OnTheirSegmentOnly()
    {
        var foreign = new Dictionary<SegmentKey, IReadOnlySet<int>> { [Eth0] = new HashSet<int> { 1, 3 } };
        var result = VridAllocator.Allocate([Claim("a", Eth0, created: 1), Claim("b", Eth0, created: 2), Claim("c", Eth1)], foreign);
        Assert.Equal(2, result.Assigned["a"]);
        Assert.Equal(4, result.Assigned["b"]);
        Assert.Equal(1, result.Assigned["c"]);
        Assert.Empty(result.ForeignCollisions);
    }

    [Fact]
    public void AHeldVridAForeignRouterAdvertises_IsKept_AndReported()
    {
        var foreign = new Dictionary<SegmentKey, IReadOnlySet<int>> { [Eth0] = new HashSet<int> { 5, 6 } };
        var result = VridAllocator.Allocate([Claim("running", Eth0, previous: 5), Claim("typed", Eth0, requested: 6), Claim("new", Eth0)], foreign);
        Assert.Equal(5, result.Assigned["running"]);
        Assert.Equal(6, result.Assigned["typed"]);
        Assert.Equal(["running", "typed"], result.ForeignCollisions.Order(StringComparer.Ordinal));
        Assert.Empty(result.Conflicts);
        Assert.Equal(1, result.Assigned["new"]);
    }

    [Fact]
    public void ForeignRoutersOnEveryVrid_LeaveANewcomerExhausted()
    {
        var foreign = new Dictionary<SegmentKey, IReadOnlySet<int>> { [Eth0] = Enumerable.Range(1, 255).ToHashSet() };
        var result = VridAllocator.Allocate([Claim("late", Eth0)], foreign);
        Assert.Contains("late", result.Exhausted);
    }

    /// <summary>Whatever foreign routers are heard, no new VirtualIp is given one of their VRIDs, and the held ones stay.</summary>
    [Property(MaxTest = 300)]
    public Property NoNewcomerGetsAHeardVrid()
    {
        var gen =
            from heard in Gen.ListOf(Gen.Choose(1, 20))
            from count in Gen.Choose(0, 15)
            from previous in Gen.Choose(1, 20)
            select (heard, count, previous);
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var foreign = new Dictionary<SegmentKey, IReadOnlySet<int>> { [Eth0] = input.heard.ToHashSet() };
            var claims = Enumerable.Range(0, input.count).Select(i => Claim("v" + i, Eth0, created: i)).Append(Claim("held", Eth0, previous: input.previous)).ToList();
            var result = VridAllocator.Allocate(claims, foreign);
            return claims.Where(c => c.Name != "held").All(c => !input.heard.Contains(result.Assigned[c.Name]))
                && result.Assigned["held"] == input.previous
                && result.ForeignCollisions.Contains("held") == input.heard.Contains(input.previous);
        });
    }

    /// <summary>Any mix of requested, previously allocated and new claims: non-conflicting VRIDs are unique per segment, and feeding the answer back as status changes nothing, even with a newcomer.</summary>
    [Property(MaxTest = 300)]
    public Property AllocatedVrids_AreUniquePerSegment_AndStableAcrossReruns()
    {
        var claimGen =
            from segment in Gen.Elements(Eth0, Eth1, Eth0V6)
            from requested in Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Choose(1, 12).Select(v => (int?)v)))
            from created in Gen.Choose(0, 50)
            select (segment, requested, created);
        var claimsGen = Gen.ListOf(claimGen).Select(list => list.Select((c, i) => Claim("v" + i, c.segment, c.requested, created: c.created)).ToList());

        return Prop.ForAll(claimsGen.ToArbitrary(), claims =>
        {
            var first = VridAllocator.Allocate(claims);
            var unique = claims
                .Where(c => !first.Conflicts.ContainsKey(c.Name) && first.Assigned.ContainsKey(c.Name))
                .GroupBy(c => c.Segment)
                .All(g => g.Select(c => first.Assigned[c.Name]).Distinct().Count() == g.Count()
                    && !g.Any(c => claims.Any(o => o.Segment == c.Segment && o.Name != c.Name && first.Assigned.GetValueOrDefault(o.Name) == first.Assigned[c.Name])));
            var rerun = VridAllocator.Allocate(claims.Select(c => c with { Previous = first.Assigned.TryGetValue(c.Name, out var v) ? v : null }).Append(Claim("fresh", Eth0, created: 99)));
            var stable = first.Assigned.All(a => rerun.Assigned.GetValueOrDefault(a.Key) == a.Value);
            var inRange = first.Assigned.Values.All(v => v is >= 1 and <= 255);
            return unique && stable && inRange;
        });
    }
}
