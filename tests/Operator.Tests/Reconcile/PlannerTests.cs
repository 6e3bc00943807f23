using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;
using KeepOperator.Operator.Reconcile;
using Xunit;
using static KeepOperator.Operator.Tests.TestObjects;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class PlannerTests
{
    private static readonly PlannerOptions Options = new();

    [Fact]
    public void EveryNode_GetsAConfig_WithOneInstancePerSelectingVirtualIp()
    {
        var plan = Planner.Build(
            State([Vip("web", priorities: [("n1", 150)]), Vip("db", "10.0.0.11", selector: new() { ["db"] = "yes" }, createdSecond: 1)], [Node("n1", false, ("db", "yes")), Node("n2"), Node("n3")]),
            Options);

        Assert.Equal(["db", "web"], plan.NodeConfigs["n1"].Instances.Select(i => i.Name));
        Assert.Equal(["web"], plan.NodeConfigs["n2"].Instances.Select(i => i.Name));
        Assert.DoesNotContain(plan.NodeConfigs["n3"].Instances, i => i.Name == "db");

        var web = plan.NodeConfigs["n1"].Instances.Single(i => i.Name == "web");
        Assert.Equal(1, web.Generation);
        Assert.Equal(1, web.VirtualRouterId);
        Assert.Equal(150, web.Priority);
        Assert.Equal(100, plan.NodeConfigs["n2"].Instances.Single().Priority);
        Assert.Equal(2, plan.VirtualIps["db"].VirtualRouterId);
    }

    [Fact]
    public void NodeWithoutInstances_StillGetsAnEmptyConfig()
    {
        var plan = Planner.Build(State([], [Node("n1")]), Options);
        Assert.Empty(plan.NodeConfigs["n1"].Instances);
    }

    [Fact]
    public void InvalidVirtualIp_IsWithheld_WithTheValidatorsMessage()
    {
        var bad = Vip("bad", address: "10.0.0.300");
        var plan = Planner.Build(State([bad], [Node("n1")]), Options);
        Assert.Empty(plan.NodeConfigs["n1"].Instances);
        var invalid = plan.VirtualIps["bad"].Conditions.Single(c => c.Type == ConditionTypes.Invalid);
        Assert.True(invalid.Status);
        Assert.Contains("spec.addresses[0]", invalid.Message, StringComparison.Ordinal);
        Assert.True(plan.VirtualIps["bad"].Withheld);
    }

    [Fact]
    public void ConflictingVirtualIps_AreBothWithheld_WithAConflictCondition()
    {
        var plan = Planner.Build(State([Vip("web", vrid: 7), Vip("db", "10.0.0.11", vrid: 7), Vip("ok", "10.0.0.12", vrid: 8)], [Node("n1")]), Options);
        Assert.Equal(["ok"], plan.NodeConfigs["n1"].Instances.Select(i => i.Name));
        foreach (var (name, other) in new[] { ("web", "db"), ("db", "web") })
        {
            var conflict = plan.VirtualIps[name].Conditions.Single(c => c.Type == ConditionTypes.Conflict);
            Assert.True(conflict.Status);
            Assert.Contains(other, conflict.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MissingPasswordSecret_IsReported_AndThePasswordIsNeverCopied()
    {
        var vip = Vip("web");
        vip.Spec.Authentication = new VrrpAuthentication { PasswordSecretRef = new SecretKeySelector { Name = "vrrp", Key = "password" } };
        var missing = Planner.Build(State([vip], [Node("n1")]), Options);
        var condition = missing.VirtualIps["web"].Conditions.Single(c => c.Type == ConditionTypes.SecretMissing);
        Assert.True(condition.Status);
        Assert.Contains("default/vrrp", condition.Message, StringComparison.Ordinal);

        var present = Planner.Build(State([vip], [Node("n1")], new() { ["default/vrrp"] = new HashSet<string> { "password" } }), Options);
        Assert.False(present.VirtualIps["web"].Conditions.Single(c => c.Type == ConditionTypes.SecretMissing).Status);
        var instance = present.NodeConfigs["n1"].Instances.Single();
        Assert.Null(instance.Password);
        Assert.Equal(("default", "vrrp", "password"), (instance.PasswordSecretRef!.Namespace, instance.PasswordSecretRef.Name, instance.PasswordSecretRef.Key)); // the namespace resolved: the agent needs no default
    }

    [Fact]
    public void Plans_AreTheSame_ForTheSameState()
    {
        var state = State([Vip("a"), Vip("b", "10.0.0.11", createdSecond: 1)], [Node("n1"), Node("n2", cordoned: true)]);
        var one = Planner.Build(state, Options);
        var two = Planner.Build(state, Options);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(one.NodeConfigs["n2"], ApiJsonContext.Default.NodeAgentConfigSpec),
            System.Text.Json.JsonSerializer.Serialize(two.NodeConfigs["n2"], ApiJsonContext.Default.NodeAgentConfigSpec));
        Assert.Equal(99, one.NodeConfigs["n2"].Instances[0].Priority);
    }
}
