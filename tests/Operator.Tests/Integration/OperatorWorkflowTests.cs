using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using Xunit;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>The user's workflow over HTTP: kubectl and KubernetesClient against LocalCluster, the operator in-process, the test as the agents.</summary>
public sealed class OperatorWorkflowTests(OperatorWorkflowFixture fixture) : IClassFixture<OperatorWorkflowFixture>
{
    private OperatorCluster C => fixture.Cluster;

    /// <summary>Two nodes labelled test=<paramref name="test"/>, and a VirtualIp on them (interface test0: its own VRID segment).</summary>
    private async Task SetUpAsync(string test, string vip = "web", string extraSpec = "")
    {
        foreach (var n in new[] { "n1", "n2" })
        {
            await C.CreateNodeAsync($"{test}-{n}", new() { ["test"] = test });
        }

        await C.ApplyAsync($"""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: {test}-{vip}
            spec:
              addresses: ["10.77.0.250"]
              interface: {test}0
              nodeSelector:
                test: {test}
              priorities:
              - nodeName: {test}-n1
                priority: 150
            {extraSpec}
            """);
    }

    private static Condition? Find(VirtualIp? vip, string type) => vip?.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    [Fact]
    public async Task Apply_GivesEachNodeItsInstance_ThenAgentReportsMakeTheVipReady_WithAnEvent()
    {
        await SetUpAsync("flow");
        var n1 = await EventuallyAsync(() => C.GetNodeAgentConfigAsync("flow-n1"), c => c?.Spec.Instances.Any(i => i.Name == "flow-web") == true, "flow-n1's instance");
        var instance = n1!.Spec.Instances.Single(i => i.Name == "flow-web");
        Assert.Equal(1, instance.VirtualRouterId);
        Assert.Equal(150, instance.Priority);
        Assert.Equal(1, instance.Generation);
        Assert.Equal(100, await EventuallyAsync(() => C.PriorityAsync("flow-n2", "flow-web"), p => p is not null, "flow-n2's instance"));

        var notYet = await EventuallyAsync(() => C.GetVirtualIpAsync("flow-web"), v => v?.Status?.VirtualRouterId == 1, "status with the allocated VRID");
        Assert.Equal(("False", "NoMaster"), (Find(notYet, ConditionTypes.Ready)!.Status, Find(notYet, ConditionTypes.Ready)!.Reason!));

        await C.ReportAsync("flow-n1", ("flow-web", "Master", 150));
        await C.ReportAsync("flow-n2", ("flow-web", "Backup", 100));
        var ready = await EventuallyAsync(() => C.GetVirtualIpAsync("flow-web"), v => Find(v, ConditionTypes.Ready)?.Status == "True" && v!.Status!.Backups?.Count == 1, "Ready with a backup");
        Assert.Equal("flow-n1", ready!.Status!.Master);
        Assert.Equal(["flow-n2"], ready.Status.Backups);
        Assert.Equal(["Master", "Backup"], ready.Status.Nodes!.Select(n => n.State));
        Assert.Equal(1, ready.Status.ObservedGeneration);

        var events = await EventuallyAsync(() => C.EventsAsync("flow-web"), e => e.Any(x => x.Reason == "MasterChanged"), "a MasterChanged event");
        Assert.Equal("flow-n1 is master", Assert.Single(events, e => e.Reason == "MasterChanged").Message);
        var describe = await C.Kubectl.OkAsync("describe", "virtualip", "flow-web");
        Assert.Contains("MasterChanged", describe, StringComparison.Ordinal);

        // failover as the agents would report it
        await C.ReportAsync("flow-n1", ("flow-web", "Fault", 150));
        await C.ReportAsync("flow-n2", ("flow-web", "Master", 100));
        await EventuallyAsync(() => C.GetVirtualIpAsync("flow-web"), v => v?.Status?.Master == "flow-n2", "master flow-n2");
        await EventuallyAsync(() => C.EventsAsync("flow-web"), e => e.Any(x => x.Message.StartsWith("flow-n2 is master", StringComparison.Ordinal)), "the second MasterChanged event");

        // Each node's transitions are Events of their own, with the priority; kubectl shows them.
        var transitions = await EventuallyAsync(() => C.EventsAsync("flow-web"), e => e.Any(x => x.Reason == "Fault"), "a Fault event");
        var fault = Assert.Single(transitions, e => e.Reason == "Fault");
        Assert.Equal(("Warning", "flow-n1 went to fault (priority 150)"), (fault.Type, fault.Message));
        Assert.Equal(["flow-n1 became master (priority 150)", "flow-n2 became master (priority 100)"], transitions.Where(e => e.Reason == "BecameMaster").Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.Equal("flow-n2 became backup (priority 100)", Assert.Single(transitions, e => e.Reason == "BecameBackup").Message);
        var listed = await C.Kubectl.OkAsync("get", "events", "--field-selector", "involvedObject.name=flow-web", "-o", "custom-columns=REASON:.reason,MESSAGE:.message,COUNT:.count");
        Assert.Contains("Fault", listed, StringComparison.Ordinal);
        Assert.Contains("flow-n2 became master (priority 100)", listed, StringComparison.Ordinal);

        // flow-n2 flaps back to Backup and to Master again: the same Event counts twice rather than a new one.
        await C.ReportAsync("flow-n2", ("flow-web", "Backup", 100));
        await EventuallyAsync(() => C.GetVirtualIpAsync("flow-web"), v => v?.Status?.Master is null, "no master while flow-n2 is backup");
        await Task.Delay(1100); // a later transition time, even where timestamps are whole seconds
        await C.ReportAsync("flow-n2", ("flow-web", "Master", 100));
        var counted = await EventuallyAsync(
            () => C.EventsAsync("flow-web"),
            e => e.Any(x => x.Message == "flow-n2 became master (priority 100)" && x.Count == 2),
            "the repeated BecameMaster counted on the first");
        Assert.Single(counted, e => e.Message == "flow-n2 became master (priority 100)");
    }

    [Fact]
    public async Task Cordon_DropsTheNodeBelowTheOthers_UncordonRestores()
    {
        await SetUpAsync("cordon");
        await EventuallyAsync(() => C.PriorityAsync("cordon-n1", "cordon-web"), p => p == 150, "priority 150");
        await C.Kubectl.OkAsync("cordon", "cordon-n1");
        await EventuallyAsync(() => C.PriorityAsync("cordon-n1", "cordon-web"), p => p == 99, "cordoned priority 99 (below cordon-n2's 100)");
        await EventuallyAsync(() => C.PriorityAsync("cordon-n2", "cordon-web"), p => p == 100, "cordon-n2 keeps 100 (its config is its own write)");
        await C.Kubectl.OkAsync("uncordon", "cordon-n1");
        await EventuallyAsync(() => C.PriorityAsync("cordon-n1", "cordon-web"), p => p == 150, "priority back to 150");
    }

    [Fact]
    public async Task PreferredMasterAnnotation_RaisesThatNode_WithAnEventAndCondition()
    {
        await SetUpAsync("pref");
        await EventuallyAsync(() => C.PriorityAsync("pref-n2", "pref-web"), p => p == 100, "pref-n2's instance");
        await C.Kubectl.OkAsync("annotate", "virtualip", "pref-web", $"{Annotations.PreferredMaster}=pref-n2");
        await EventuallyAsync(() => C.PriorityAsync("pref-n2", "pref-web"), p => p == 151, "pref-n2 raised to 151");
        await EventuallyAsync(() => C.PriorityAsync("pref-n1", "pref-web"), p => p == 150, "pref-n1 keeps 150 (its config is its own write)");
        var vip = await EventuallyAsync(() => C.GetVirtualIpAsync("pref-web"), v => Find(v, ConditionTypes.PreferredMaster)?.Status == "True", "PreferredMaster condition");
        Assert.Contains("pref-n2 raised to priority 151", Find(vip, ConditionTypes.PreferredMaster)!.Message, StringComparison.Ordinal);
        await EventuallyAsync(() => C.EventsAsync("pref-web"), e => e.Any(x => x.Reason == "PreferredMaster" && x.Message.Contains("pref-n2", StringComparison.Ordinal)), "a PreferredMaster event");
    }

    [Fact]
    public async Task DeletingTheVip_RemovesItsInstances_DeletingANode_RemovesItsConfig()
    {
        await SetUpAsync("del");
        await EventuallyAsync(() => C.PriorityAsync("del-n1", "del-web"), p => p == 150, "del-n1's instance");
        await C.Kubectl.OkAsync("delete", "virtualip", "del-web");
        await EventuallyAsync(() => C.GetNodeAgentConfigAsync("del-n1"), c => c is not null && c.Spec.Instances.All(i => i.Name != "del-web"), "del-web gone from del-n1");
        await EventuallyAsync(() => C.GetNodeAgentConfigAsync("del-n2"), c => c is not null && c.Spec.Instances.All(i => i.Name != "del-web"), "del-web gone from del-n2");
        await C.Kubectl.OkAsync("delete", "node", "del-n2");
        await EventuallyAsync(() => C.GetNodeAgentConfigAsync("del-n2"), c => c is null, "del-n2's NodeAgentConfig deleted");
    }

    [Fact]
    public async Task SameVridTwice_IsAConflictOnBoth_AndNeitherReachesAgents_UntilOneMoves()
    {
        await SetUpAsync("dup", "web", "  virtualRouterId: 9");
        await SetUpAsync2("dup", "db", "  virtualRouterId: 9");
        foreach (var name in new[] { "dup-web", "dup-db" })
        {
            var vip = await EventuallyAsync(() => C.GetVirtualIpAsync(name), v => Find(v, ConditionTypes.Conflict)?.Status == "True", $"{name} Conflict");
            Assert.Contains("VRID 9", Find(vip, ConditionTypes.Conflict)!.Message, StringComparison.Ordinal);
            Assert.Equal("False", Find(vip, ConditionTypes.Ready)!.Status);
            await EventuallyAsync(() => C.EventsAsync(name), e => e.Any(x => x.Reason == "Conflict"), $"{name} Conflict event");
        }

        Assert.Empty((await C.GetNodeAgentConfigAsync("dup-n1"))!.Spec.Instances);

        await C.Kubectl.OkAsync("patch", "virtualip", "dup-db", "--type=merge", "-p", """{"spec":{"virtualRouterId":10}}""");
        await EventuallyAsync(() => C.GetNodeAgentConfigAsync("dup-n1"), c => c?.Spec.Instances.Count == 2, "both instances on dup-n1");
        await EventuallyAsync(() => C.GetVirtualIpAsync("dup-web"), v => Find(v, ConditionTypes.Conflict)?.Status == "False", "dup-web's conflict cleared");
    }

    [Fact]
    public async Task InvalidSpec_AndMissingSecret_AreConditions_AndKeepTheVipFromAgents()
    {
        await C.CreateNodeAsync("chk-n1", new() { ["test"] = "chk" });
        await C.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: chk-bad
            spec:
              addresses: ["10.77.0.300"]
              nodeSelector: {test: chk}
            ---
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: chk-secret
            spec:
              addresses: ["10.77.0.251"]
              interface: chk0
              nodeSelector: {test: chk}
              authentication:
                passwordSecretRef: {name: chk-vrrp, key: password}
            """);
        var bad = await EventuallyAsync(() => C.GetVirtualIpAsync("chk-bad"), v => Find(v, ConditionTypes.Invalid)?.Status == "True", "Invalid");
        Assert.Contains("spec.addresses[0]", Find(bad, ConditionTypes.Invalid)!.Message, StringComparison.Ordinal);
        var secret = await EventuallyAsync(() => C.GetVirtualIpAsync("chk-secret"), v => Find(v, ConditionTypes.SecretMissing)?.Status == "True", "SecretMissing");
        Assert.Contains("default/chk-vrrp", Find(secret, ConditionTypes.SecretMissing)!.Message, StringComparison.Ordinal);
        Assert.Empty((await C.GetNodeAgentConfigAsync("chk-n1"))!.Spec.Instances);

        await C.Kubectl.OkAsync("create", "secret", "generic", "chk-vrrp", "--from-literal=password=s3cret");
        var config = await EventuallyAsync(() => C.GetNodeAgentConfigAsync("chk-n1"), c => c?.Spec.Instances.Count == 1, "chk-secret given to chk-n1");
        Assert.DoesNotContain("s3cret", System.Text.Json.JsonSerializer.Serialize(config!, ApiJsonContext.Default.NodeAgentConfig), StringComparison.Ordinal);
        await EventuallyAsync(() => C.GetVirtualIpAsync("chk-secret"), v => Find(v, ConditionTypes.SecretMissing)?.Status == "False", "SecretMissing False");
    }

    /// <summary>A second VirtualIp on the nodes <see cref="SetUpAsync"/> made.</summary>
    private Task SetUpAsync2(string test, string vip, string extraSpec) => C.ApplyAsync($"""
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIp
        metadata:
          name: {test}-{vip}
        spec:
          addresses: ["10.77.0.251"]
          interface: {test}0
          nodeSelector:
            test: {test}
        {extraSpec}
        """);
}
