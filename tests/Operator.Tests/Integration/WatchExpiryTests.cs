using k8s;
using k8s.Models;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>
/// A watch history of 5 changes, rare bookmarks and 1 s watches: every reconnect after a burst of unrelated writes
/// gets 410 Expired. The operator must relist and carry on with the same state.
/// </summary>
public sealed class WatchExpiryTests
{
    [Fact]
    public async Task ExpiredResourceVersion_Relists_WithoutLosingState()
    {
        await using var c = await StartAsync(watchHistory: 5, bookmarkInterval: TimeSpan.FromMinutes(5));
        var op = c.StartOperator(FastOptions("expiry") with { WatchTimeout = TimeSpan.FromSeconds(1) });
        await c.CreateNodeAsync("x-n1");
        await c.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata: {name: before}
            spec: {addresses: ["10.77.0.250"]}
            """);
        await EventuallyAsync(() => c.PriorityAsync("x-n1", "before"), p => p == 100, "before on x-n1");
        var controller = await EventuallyAsync(() => Task.FromResult(op.Controller), x => x is not null, "a leading controller");
        var listsBefore = controller!.VirtualIpLists;

        // churn elsewhere while the VirtualIp watch is between reconnects: its resourceVersion falls out of the history
        await c.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "churn" } }, "default");
        for (var i = 0; i < 3 && controller.VirtualIpLists == listsBefore; i++)
        {
            for (var j = 0; j < 10; j++)
            {
                await c.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"n\":\"" + i + "-" + j + "\"}}", V1Patch.PatchType.MergePatch), "churn", "default");
            }

            await Task.Delay(1500);
        }

        Assert.True(controller.VirtualIpLists > listsBefore, "the VirtualIp informer relisted after 410 Expired");
        Assert.Contains("event=relist kind=virtualips reason=\"resourceVersion expired\"", c.Log.ToString(), StringComparison.Ordinal);

        // still consistent: the old VIP kept, and changes after the relist are seen
        await c.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata: {name: after}
            spec: {addresses: ["10.77.0.251"]}
            """);
        Assert.Equal(2, await EventuallyAsync(() => c.VirtualRouterIdAsync("x-n1", "after"), v => v is not null, "after on x-n1"));
        await c.Kubectl.OkAsync("delete", "virtualip", "before");
        var config = await EventuallyAsync(() => c.GetNodeAgentConfigAsync("x-n1"), x => x?.Spec.Instances.Select(i => i.Name).SequenceEqual(["after"]) == true, "only 'after' on x-n1");
        Assert.Equal(2, config!.Spec.Instances[0].VirtualRouterId); // allocated while 'before' held 1, and kept after it went
    }
}
