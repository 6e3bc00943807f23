using k8s;
using KeepOperator.Operator.Hosting;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>Two replicas on one Lease: one reconciles; when it shuts down, the other takes over.</summary>
public sealed class LeaderElectionTests
{
    [Fact]
    public async Task OnlyTheLeaderReconciles_AndTheOtherTakesOverOnShutdown()
    {
        await using var c = await StartAsync();
        // a long lease: taking over by expiry would take 10 s, so a fast takeover shows the lease was released
        static OperatorOptions Replica(string identity) => FastOptions(identity) with { LeaseDuration = TimeSpan.FromSeconds(10), RenewDeadline = TimeSpan.FromSeconds(8) };
        var a = c.StartOperator(Replica("replica-a"));
        await EventuallyAsync(() => Task.FromResult(a.IsLeading), x => x, "replica-a leading");
        var b = c.StartOperator(Replica("replica-b"));

        await c.CreateNodeAsync("l-n1");
        await c.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata: {name: first}
            spec: {addresses: ["10.77.0.250"]}
            """);
        await EventuallyAsync(() => c.PriorityAsync("l-n1", "first"), p => p == 100, "first on l-n1");
        await Task.Delay(1000); // longer than a lease retry: b had its chances
        Assert.False(b.IsLeading);
        Assert.Equal(0, b.Reconciles);
        Assert.True(a.Reconciles > 0);
        Assert.Equal("replica-a", (await c.Client.CoordinationV1.ReadNamespacedLeaseAsync("keepoperator-leader", "default")).Spec.HolderIdentity);

        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await c.StopOperatorAsync(a);
        Assert.Contains("event=lease_released lease=keepoperator-leader identity=replica-a", c.Log.ToString(), StringComparison.Ordinal);
        await EventuallyAsync(() => Task.FromResult(b.IsLeading), x => x, "replica-b leading");
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(4), $"took over in {stopped.Elapsed.TotalSeconds:F1} s: the released lease need not expire first");

        await c.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata: {name: second}
            spec: {addresses: ["10.77.0.251"]}
            """);
        var config = await EventuallyAsync(() => c.GetNodeAgentConfigAsync("l-n1"), x => x?.Spec.Instances.Count == 2, "second on l-n1, from replica-b");
        Assert.Equal([1, 2], config!.Spec.Instances.Select(i => i.VirtualRouterId).Order());
        Assert.True(b.Reconciles > 0);
    }
}
