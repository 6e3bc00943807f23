using k8s.Models;
using KeepOperator.Operator.Kube;
using Xunit;

namespace KeepOperator.Operator.Tests.Kube;

/// <summary>What the operator reads from a Pod for pods tracks, and which Pod changes can move the plan.</summary>
public sealed class PodInputTests
{
    private static V1Pod Pod(string readyStatus = "True", DateTime? deleting = null, string? podIp = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-1", NamespaceProperty = "shop", Labels = new Dictionary<string, string> { ["app"] = "web" }, DeletionTimestamp = deleting },
        Spec = new V1PodSpec { NodeName = "n1" },
        Status = new V1PodStatus
        {
            PodIP = podIp,
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }, new V1PodCondition { Type = "Ready", Status = readyStatus }],
        },
    };

    [Fact]
    public void ReadyAndTerminating_ComeFromTheReadyConditionAndDeletionTimestamp()
    {
        var info = InformerClusterView.ToPodInfo(Pod());
        Assert.Equal(("shop", "n1", true, false), (info.Namespace, info.NodeName, info.Ready, info.Terminating));
        Assert.Equal("web", info.Labels["app"]);
        Assert.False(InformerClusterView.ToPodInfo(Pod("False")).Ready);
        Assert.True(InformerClusterView.ToPodInfo(Pod(deleting: DateTime.UtcNow)).Terminating);
        Assert.False(InformerClusterView.ToPodInfo(new V1Pod { Metadata = new V1ObjectMeta { Name = "new" } }).Ready);
    }

    [Fact]
    public void OnlyReadinessNodeLabelsAndDeletion_AreRelevant()
    {
        Assert.Equal(PlanRelevance.Of(Pod()), PlanRelevance.Of(Pod(podIp: "10.1.2.3")));
        Assert.NotEqual(PlanRelevance.Of(Pod()), PlanRelevance.Of(Pod("False")));
        Assert.NotEqual(PlanRelevance.Of(Pod()), PlanRelevance.Of(Pod(deleting: DateTime.UtcNow)));
        Assert.NotEqual(PlanRelevance.Of(Pod()), PlanRelevance.Of((V1Pod?)null));
    }
}
