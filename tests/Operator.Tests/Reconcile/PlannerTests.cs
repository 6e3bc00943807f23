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
    public void NodeNames_NarrowTheNodeSelector_AndAnEmptyListGivesTheVirtualIpToNoNode()
    {
        var listed = Vip("local", selector: new() { ["lb"] = "yes" });
        listed.Spec.NodeNames = ["n2", "n3"];
        var none = Vip("none", "10.0.0.11", createdSecond: 1);
        none.Spec.NodeNames = [];
        var plan = Planner.Build(State([listed, none], [Node("n1", false, ("lb", "yes")), Node("n2", false, ("lb", "yes")), Node("n3")]), Options);

        Assert.Equal(["n2"], plan.NodeConfigs.Where(c => c.Value.Instances.Any(i => i.Name == "local")).Select(c => c.Key));
        Assert.Equal(["n2"], plan.VirtualIps["local"].Priorities.Keys);
        Assert.All(plan.NodeConfigs.Values, c => Assert.DoesNotContain(c.Instances, i => i.Name == "none"));
        Assert.Empty(plan.VirtualIps["none"].Priorities);
        Assert.False(plan.VirtualIps["none"].Withheld); // valid, and keeps its VRID: it comes back the moment a node is named
        Assert.NotNull(plan.VirtualIps["none"].VirtualRouterId);
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
    public void HeardForeignVrids_AreAvoided_OursAreNot_AndAHeldOneIsFlaggedButStillRun()
    {
        var n1 = Node("n1") with { InternalAddresses = [System.Net.IPAddress.Parse("10.0.0.1")] };
        var heard = new HeardRouter[]
        {
            new("n1", "eth0", System.Net.Sockets.AddressFamily.InterNetwork, 1, System.Net.IPAddress.Parse("10.0.0.99"), 2),
            new("n1", "eth0", System.Net.Sockets.AddressFamily.InterNetwork, 2, System.Net.IPAddress.Parse("10.0.0.1"), 3), // n1's own, from another VirtualIp
            new("n1", "eth0", System.Net.Sockets.AddressFamily.InterNetwork, 7, System.Net.IPAddress.Parse("10.0.0.98"), 3),
        };
        var held = Vip("held", "10.0.0.12", iface: "eth0");
        held.Status = new VirtualIpStatus { VirtualRouterId = 7 };
        var state = State([Vip("new", iface: "eth0"), Vip("default", "10.0.0.11", createdSecond: 1), held, Vip("other", "10.0.0.13", iface: "eth1")], [n1]) with { HeardRouters = heard };

        var plan = Planner.Build(state, Options);

        Assert.Equal(2, plan.VirtualIps["new"].VirtualRouterId);
        Assert.Equal(2, plan.VirtualIps["default"].VirtualRouterId); // the default interface's segment avoids what eth0 hears too
        Assert.Equal(1, plan.VirtualIps["other"].VirtualRouterId);
        Assert.Equal(7, plan.VirtualIps["held"].VirtualRouterId);
        var flagged = plan.VirtualIps["held"].Conditions.Single(c => c.Type == ConditionTypes.Conflict);
        Assert.True(flagged.Status);
        Assert.Equal(VirtualIpReasons.ForeignVirtualRouterId, flagged.Reason);
        Assert.Contains("10.0.0.98 (VRRPv3, heard by n1 on eth0)", flagged.Message, StringComparison.Ordinal);
        Assert.Contains(plan.NodeConfigs["n1"].Instances, i => i.Name == "held" && i.VirtualRouterId == 7);
        Assert.False(plan.VirtualIps["new"].Conditions.Single(c => c.Type == ConditionTypes.Conflict).Status);
    }

    [Fact]
    public void MissingWebhookUrlSecret_IsReported_AndWithheld()
    {
        var vip = Vip("web");
        vip.Spec.Webhooks = [new VrrpWebhook { UrlSecretRef = new SecretKeySelector { Name = "hooks", Key = "url" } }];
        var missing = Planner.Build(State([vip], [Node("n1")]), Options);
        var condition = missing.VirtualIps["web"].Conditions.Single(c => c.Type == ConditionTypes.SecretMissing);
        Assert.True(condition.Status);
        Assert.Contains("spec.webhooks[0].urlSecretRef", condition.Message, StringComparison.Ordinal);
        Assert.Empty(missing.NodeConfigs["n1"].Instances);

        var found = Planner.Build(State([vip], [Node("n1")], new() { [$"{Options.SecretNamespace}/hooks"] = new HashSet<string> { "url" } }), Options);
        Assert.False(found.VirtualIps["web"].Conditions.Single(c => c.Type == ConditionTypes.SecretMissing).Status);
        Assert.Equal("hooks", Assert.Single(found.NodeConfigs["n1"].Instances.Single().Webhooks!).UrlSecretRef!.Name);
    }

    [Fact]
    public void A_Secret_outside_the_watched_namespaces_is_reported_as_unreadable_not_as_missing()
    {
        var vip = Vip("web");
        vip.Spec.Authentication = new VrrpAuthentication { PasswordSecretRef = new SecretKeySelector { Namespace = "elsewhere", Name = "vrrp", Key = "password" } };
        var options = Options with { WatchedSecretNamespaces = ["keepoperator", "vrrp-secrets"] };
        var plan = Planner.Build(State([vip], [Node("n1")], new() { ["elsewhere/vrrp"] = new HashSet<string> { "password" } }), options);

        var condition = plan.VirtualIps["web"].Conditions.Single(c => c.Type == ConditionTypes.SecretMissing);
        Assert.True(condition.Status);
        Assert.Equal("Secret elsewhere/vrrp (spec.authentication.passwordSecretRef) is outside the namespaces whose Secrets keepoperator may read (keepoperator, vrrp-secrets; the chart's agent.secretNamespaces)", condition.Message);
        Assert.Empty(plan.NodeConfigs["n1"].Instances);
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
