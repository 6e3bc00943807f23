using KeepOperator.Api;
using KeepOperator.Operator.Reconcile;
using Xunit;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class LabelMatchTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "gold" };

    [Theory]
    [InlineData("In", "web,shop", true)]
    [InlineData("In", "shop", false)]
    [InlineData("NotIn", "shop", true)]
    [InlineData("NotIn", "web", false)]
    [InlineData("Exists", null, true)]
    [InlineData("DoesNotExist", null, false)]
    public void Expressions_on_a_present_label(string op, string? values, bool expected) =>
        Assert.Equal(expected, LabelMatch.Matches(Selector(("app", op, values)), Labels));

    [Theory]
    [InlineData("In", "x", false)]
    [InlineData("NotIn", "x", true)]
    [InlineData("Exists", null, false)]
    [InlineData("DoesNotExist", null, true)]
    public void Expressions_on_an_absent_label(string op, string? values, bool expected) =>
        Assert.Equal(expected, LabelMatch.Matches(Selector(("canary", op, values)), Labels));

    [Fact]
    public void Labels_and_every_expression_must_hold()
    {
        var selector = Selector(("tier", "In", "gold,silver"), ("canary", "DoesNotExist", null));
        selector.MatchLabels = new() { ["app"] = "web" };
        Assert.True(LabelMatch.Matches(selector, Labels));
        selector.MatchLabels["app"] = "db";
        Assert.False(LabelMatch.Matches(selector, Labels));
        Assert.Equal("app=db,tier in (gold,silver),!canary", LabelMatch.Describe(selector));
    }

    [Fact]
    public void A_pods_track_with_expressions_counts_only_the_pods_they_select()
    {
        var vip = TestObjects.Vip("web");
        vip.Spec.Track = [new TrackCheck { Name = "t", Weight = -20, Pods = new PodsCheck { Selector = Selector(("app", "In", "web,www"), ("canary", "DoesNotExist", null)) } }];
        var pods = new ReadyPodIndex(
        [
            new PodInfo("default", new Dictionary<string, string> { ["app"] = "www" }, "n1", true, false),
            new PodInfo("default", new Dictionary<string, string> { ["app"] = "web", ["canary"] = "yes" }, "n2", true, false),
        ]);
        var decision = PodTrackRule.Decide(vip, [TestObjects.Node("n1"), TestObjects.Node("n2")], pods);
        Assert.Equal(100, decision.Priorities["n1"]);
        Assert.Equal(80, decision.Priorities["n2"]);
        Assert.Contains("app in (web,www),!canary", decision.Condition!.Message, StringComparison.Ordinal);
    }

    private static LabelSelector Selector(params (string Key, string Operator, string? Values)[] requirements) => new()
    {
        MatchExpressions = requirements.Select(r => new LabelSelectorRequirement { Key = r.Key, Operator = r.Operator, Values = r.Values?.Split(',').ToList() }).ToList(),
    };
}
