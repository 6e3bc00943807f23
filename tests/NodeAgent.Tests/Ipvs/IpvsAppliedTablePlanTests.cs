using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>A table applied first, then desired tables one after the other, each an edit of the one before.</summary>
public sealed record AppliedEditsScenario(IReadOnlyList<LoadBalancedService> Applied, IReadOnlyList<IReadOnlyList<LoadBalancedService>> Edits)
{
    public override string ToString() =>
        $"Applied:\n{ReconcileScenario.Describe(Applied)}" + string.Concat(Edits.Select((e, i) => $"\nEdit {i + 1}:\n{ReconcileScenario.Describe(e)}"));
}

/// <summary>
/// Edits as an agent makes them: most services the very objects applied before, some equal copies, some with other
/// settings or real servers, some dropped, new ones, sometimes reordered, now and then a repeated key.
/// </summary>
public static class AppliedEditsScenarioArbitrary
{
    public static Arbitrary<AppliedEditsScenario> Scenario() => Arb.From(
        from applied in ReconcileScenarioArbitrary.Table(hashed: false)
        from count in Gen.Choose(1, 4)
        from edits in Edits(applied, count)
        select new AppliedEditsScenario(applied, edits));

    private static Gen<IReadOnlyList<IReadOnlyList<LoadBalancedService>>> Edits(IReadOnlyList<LoadBalancedService> table, int count) =>
        count == 0
            ? Gen.Constant<IReadOnlyList<IReadOnlyList<LoadBalancedService>>>([])
            : from edit in Edit(table)
              from rest in Edits(edit, count - 1)
              select (IReadOnlyList<IReadOnlyList<LoadBalancedService>>)[edit, .. rest];

    private static Gen<IReadOnlyList<LoadBalancedService>> Edit(IReadOnlyList<LoadBalancedService> table) =>
        from kept in Gen.CollectToList(table, EditOne)
        from extra in ReconcileScenarioArbitrary.Table(hashed: false)
        let edited = kept.Where(v => v is not null).Select(v => v!)
            .Concat(extra.Where(e => table.All(t => t.Key != e.Key)).Take(1)).ToArray()
        from order in Gen.Frequency((4, Gen.Constant(edited)), (1, Gen.Shuffle(edited)))
        from repeat in Gen.Frequency((12, Gen.Constant(false)), (1, Gen.Constant(order.Length > 0)))
        select repeat ? (IReadOnlyList<LoadBalancedService>)[.. order, order[0] with { Service = order[0].Service with { Scheduler = "sh" } }] : order;

    private static Gen<LoadBalancedService?> EditOne(LoadBalancedService server) =>
        Gen.Frequency(
            (8, Gen.Constant<LoadBalancedService?>(server)),
            (2, Gen.Constant<LoadBalancedService?>(server with { })),
            (1, Gen.Constant<LoadBalancedService?>(null)),
            (1, ReconcileScenarioArbitrary.Service(server.Key, hashed: true).Select(s => (LoadBalancedService?)(server with { Service = s }))),
            (2, ReconcileScenarioArbitrary.VirtualServer(server.Key, hashed: false).Select(v => (LoadBalancedService?)(server with { Destinations = v.Destinations }))));
}

public sealed class IpvsAppliedTablePlanTests
{
    /// <summary>
    /// Plans every edit both ways and applies the fast plan's table as the next current one; returns the first
    /// difference, or null. A refused edit (repeated key) must be refused both ways and leaves the table as it was.
    /// </summary>
    private static string? FirstDifference(IReadOnlyList<LoadBalancedService> applied, IEnumerable<IReadOnlyList<LoadBalancedService>> edits)
    {
        var table = IpvsAppliedTable.Of(applied);
        var step = 0;
        foreach (var desired in edits)
        {
            step++;
            IReadOnlyList<IpvsCommand>? full;
            try
            {
                full = IpvsReconciler.Plan(desired, table.Services, _ => true);
            }
            catch (ArgumentException)
            {
                full = null;
            }

            (IReadOnlyList<IpvsCommand> Commands, IpvsAppliedTable After)? fast;
            try
            {
                fast = IpvsReconciler.Plan(desired, table);
            }
            catch (ArgumentException)
            {
                fast = null;
            }

            if (full is null || fast is null)
            {
                if (full is not null || fast is not null)
                {
                    return $"edit {step}: only {(full is null ? "the whole-table plan" : "the fast plan")} refused it";
                }

                continue;
            }

            var (commands, after) = fast.Value;
            if (!commands.SequenceEqual(full))
            {
                return $"edit {step}: fast plan\n  {string.Join("\n  ", commands.Select(IpvsadmCommandRenderer.Render))}\n"
                    + $"whole-table plan\n  {string.Join("\n  ", full.Select(IpvsadmCommandRenderer.Render))}";
            }

            if (!after.Services.SequenceEqual(desired, ReferenceEqualityComparer.Instance)
                || desired.Select((s, i) => (s, i)).Any(p => after.PositionOf(p.s.Key) != p.i))
            {
                return $"edit {step}: the table after is not the desired one, indexed";
            }

            table = after;
        }

        return null;
    }

    [Property(Arbitrary = [typeof(AppliedEditsScenarioArbitrary)], MaxTest = 1000)]
    public Property The_plan_against_the_applied_table_is_the_whole_table_plan(AppliedEditsScenario s)
    {
        var difference = FirstDifference(s.Applied, s.Edits);
        return (difference is null).Label(difference ?? "");
    }

    [Fact]
    public void Scenarios_exercise_kept_equal_changed_added_dropped_moved_and_repeated_services()
    {
        // Guards the property above against a generator that only ever produces trivial edits.
        var samples = AppliedEditsScenarioArbitrary.Scenario().Generator.Sample(400);
        var steps = samples.SelectMany(s => s.Edits.Prepend(s.Applied).Zip(s.Edits)).ToList();
        Assert.Contains(steps, p => p.Second.Any(d => p.First.Contains(d, ReferenceEqualityComparer.Instance)));
        Assert.Contains(steps, p => p.Second.Any(d => p.First.Any(b => b.Equals(d) && !ReferenceEquals(b, d))));
        Assert.Contains(steps, p => p.Second.Any(d => p.First.Any(b => b.Key == d.Key && !b.Equals(d))));
        Assert.Contains(steps, p => p.Second.Any(d => p.First.All(b => b.Key != d.Key)));
        Assert.Contains(steps, p => p.First.Any(b => p.Second.All(d => d.Key != b.Key)));
        Assert.Contains(steps, p => p.First.Count == p.Second.Count && p.First.Where((b, i) => b.Key != p.Second[i].Key).Any()
            && p.Second.All(d => p.First.Any(b => b.Key == d.Key)));
        Assert.Contains(steps, p => p.Second.Select(d => d.Key).Distinct().Count() < p.Second.Count);
    }

    [Fact]
    public void Single_changes_to_a_table_of_ten_thousand_plan_as_the_whole_table_does()
    {
        var random = new Random(15);
        var table = Enumerable.Range(0, 10_000).Select(Service).ToArray();
        var edits = new List<IReadOnlyList<LoadBalancedService>>();
        var desired = table;
        for (var k = 0; k < 40; k++)
        {
            var index = random.Next(desired.Length);
            var service = desired[index];
            desired = (k % 4) switch
            {
                0 => [.. desired[..index], service with { Destinations = [service.Destinations[0] with { Weight = k }, .. service.Destinations.Skip(1)] }, .. desired[(index + 1)..]],
                1 => [.. desired[..index], service with { Destinations = [.. service.Destinations.Skip(1)] }, .. desired[(index + 1)..]],
                2 => [.. desired[..index], .. desired[(index + 1)..]],
                _ => [.. desired[..index], Service(10_000 + k), .. desired[index..]],
            };
            edits.Add(desired);
        }

        Assert.Null(FirstDifference(table, edits));
    }

    [Fact]
    public void A_change_in_place_costs_its_commands_only_and_keeps_the_positions()
    {
        var table = Enumerable.Range(0, 1000).Select(Service).ToArray();
        var applied = IpvsAppliedTable.Of(table);
        var changed = table.ToArray();
        changed[500] = table[500] with { Destinations = [.. table[500].Destinations.Skip(1)] };
        changed[501] = table[501] with { }; // equal: no command

        var (commands, after) = IpvsReconciler.Plan(changed, applied);

        Assert.Equal([new IpvsCommand.DeleteDestination(table[500].Key, table[500].Destinations[0].Address, 8080)], commands);
        Assert.Same(changed[500], after.Services[500]);
        Assert.Equal(500, after.PositionOf(table[500].Key));
        Assert.Empty(IpvsReconciler.Plan(changed, after).Commands);
    }

    private static LoadBalancedService Service(int v) =>
        new(
            new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse($"10.{100 + (v / 65536)}.{v / 256 % 256}.{v % 256}"), 80)) { Scheduler = "wrr" },
            [.. Enumerable.Range(0, 4).Select(r => new ServiceDestination(IPAddress.Parse($"10.{200 + r}.{v / 256 % 256}.{v % 256}"), 8080) { ForwardingMethod = PacketForwarding.Masquerade })]);
}
