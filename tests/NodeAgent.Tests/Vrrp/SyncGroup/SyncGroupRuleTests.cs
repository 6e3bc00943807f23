using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp.SyncGroup;

public sealed class SyncGroupRuleTests
{
    [Fact]
    public void A_member_in_fault_holds_the_other_members_of_its_group_only()
    {
        var holders = SyncGroupRule.Holders(
        [
            new("outside", "router", OwnFault: true),
            new("inside", "router", OwnFault: false),
            new("dns", "other", OwnFault: false),
            new("web", null, OwnFault: true),
        ]);

        Assert.Equal(new Dictionary<string, string?> { ["outside"] = null, ["inside"] = "outside", ["dns"] = null }, holders);
    }

    [Fact]
    public void Two_members_in_fault_hold_each_other_and_a_third_by_the_first_name()
    {
        var holders = SyncGroupRule.Holders(
        [
            new("c", "g", OwnFault: false),
            new("b", "g", OwnFault: true),
            new("a", "g", OwnFault: true),
        ]);

        Assert.Equal(new Dictionary<string, string?> { ["a"] = "b", ["b"] = "a", ["c"] = "a" }, holders);
    }

    [Fact]
    public void Without_a_fault_every_member_is_free()
    {
        var holders = SyncGroupRule.Holders([new("a", "g", false), new("b", "g", false)]);
        Assert.All(holders.Values, Assert.Null);
        Assert.Equal(2, holders.Count);
    }

    /// <summary>
    /// Seeded simulation: members of three groups flip their own faults at random; after every step each group is
    /// either wholly free (no own fault anywhere) or wholly in fault (own or held), and a holder is always a member of
    /// the same group in fault of its own.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_group_is_in_fault_as_a_whole_or_not_at_all(int seed)
    {
        var random = new Random(seed);
        var members = Enumerable.Range(0, 9).Select(i => new SyncGroupMember($"m{i}", i < 8 ? $"g{i % 3}" : null, false)).ToArray();
        for (var step = 0; step < 2_000; step++)
        {
            var i = random.Next(members.Length);
            members[i] = members[i] with { OwnFault = !members[i].OwnFault };
            var holders = SyncGroupRule.Holders(members);

            Assert.DoesNotContain("m8", holders.Keys);
            foreach (var group in members.Where(m => m.Group is not null).GroupBy(m => m.Group))
            {
                var inFault = group.Select(m => m.OwnFault || holders[m.Name] is not null).Distinct().ToList();
                Assert.Single(inFault);
                Assert.Equal(group.Any(m => m.OwnFault), inFault[0]);
                foreach (var member in group)
                {
                    if (holders[member.Name] is { } holder)
                    {
                        Assert.Contains(group, m => m.Name == holder && m.OwnFault && m.Name != member.Name);
                    }
                }
            }
        }
    }
}
