using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KeepOperator.Api.Vocabulary;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>spec.track[].pods over HTTP: Pods in LocalCluster, the operator in-process, kubectl describe for the user's view.</summary>
public sealed class PodTrackTests(OperatorWorkflowFixture fixture) : IClassFixture<OperatorWorkflowFixture>
{
    private const string BothFailing = "pods-n1, pods-n2: no Ready pod matching app=pods-web in default (-20)";

    private OperatorCluster C => fixture.Cluster;

    private async Task SetReadyAsync(string pod, bool ready)
    {
        var patch = new JsonObject
        {
            ["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }) },
        };
        await C.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), pod, "default");
    }

    [Fact]
    public async Task ReadyPodOnOneNode_KeepsItsPriority_LowersTheOther_UntilThePodTurnsUnready()
    {
        foreach (var n in new[] { "pods-n1", "pods-n2" })
        {
            await C.CreateNodeAsync(n, new() { ["test"] = "pods" });
        }

        await C.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = "pods-web-1", Labels = new Dictionary<string, string> { ["app"] = "pods-web" } },
                Spec = new V1PodSpec { NodeName = "pods-n1", Containers = [new V1Container { Name = "web", Image = "nginx" }] },
            },
            "default");
        await SetReadyAsync("pods-web-1", true);
        await C.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: pods-web
            spec:
              addresses: ["10.77.0.250"]
              interface: pods0
              nodeSelector:
                test: pods
              priorities:
              - nodeName: pods-n1
                priority: 150
              track:
              - name: web-pods
                weight: -20
                pods:
                  namespace: default
                  selector:
                    matchLabels:
                      app: pods-web
            """);

        await EventuallyAsync(() => C.PriorityAsync("pods-n2", "pods-web"), p => p == 80, "pods-n2 lowered to 80 (no Ready pod there)");
        // Each node's config is its own object, written by its own request: n1's may land just after n2's.
        await EventuallyAsync(() => C.PriorityAsync("pods-n1", "pods-web"), p => p == 150, "pods-n1 keeps 150 (its pod is Ready)");

        await SetReadyAsync("pods-web-1", false);
        await EventuallyAsync(() => C.PriorityAsync("pods-n1", "pods-web"), p => p == 130, "pods-n1 lowered to 130 once its pod is unready");
        Assert.Equal(80, await C.PriorityAsync("pods-n2", "pods-web"));

        var vip = await EventuallyAsync(
            () => C.GetVirtualIpAsync("pods-web"),
            v => v?.Status?.Conditions?.Any(c => c.Type == ConditionTypes.TrackFailing && c.Message == BothFailing) == true,
            "the TrackFailing condition naming both nodes");
        Assert.Equal([130, 80], vip!.Status!.Nodes!.Select(n => n.Priority ?? 0));
        await EventuallyAsync(() => C.EventsAsync("pods-web"), e => e.Any(x => x.Reason == "NoReadyPod" && x.Message == BothFailing), "a NoReadyPod event naming pods-n1");

        var describe = await C.Kubectl.OkAsync("describe", "vip", "pods-web");
        Assert.Contains(BothFailing, describe, StringComparison.Ordinal);
        Assert.Contains("NoReadyPod", describe, StringComparison.Ordinal);

        await SetReadyAsync("pods-web-1", true);
        await EventuallyAsync(() => C.PriorityAsync("pods-n1", "pods-web"), p => p == 150, "pods-n1 back to 150");
    }
}
