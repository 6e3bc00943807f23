using KeepOperator.Api;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Hosting;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Hosting.TestInstances;

namespace KeepOperator.NodeAgent.Tests.Hosting;

public sealed class InstanceSetDiffTests
{
    [Fact]
    public void SameSpecResolvedTwice_IsUnchanged_ListsCompareByElement()
    {
        Assert.Equal(InstanceChangeKind.Unchanged, InstanceChange.Classify(Settings("web", 51), Settings("web", 51)));
    }

    [Fact]
    public void OnlyTheBasePriority_IsInPlace()
    {
        Assert.Equal(InstanceChangeKind.InPlace, InstanceChange.Classify(Settings("web", 51, priority: 100), Settings("web", 51, priority: 90)));
    }

    [Fact]
    public void OnlyTheWebhooks_IsInPlace_TheSameOnesResolvedAgainAreUnchanged()
    {
        static void Hook(VirtualIpSpec s, string url) => s.Webhooks = [new VrrpWebhook { Url = url }];
        var hooked = Settings("web", 51, change: s => Hook(s, "https://hooks.example/a"));
        Assert.Equal(InstanceChangeKind.Unchanged, InstanceChange.Classify(hooked, Settings("web", 51, change: s => Hook(s, "https://hooks.example/a"))));
        Assert.Equal(InstanceChangeKind.InPlace, InstanceChange.Classify(hooked, Settings("web", 51, change: s => Hook(s, "https://hooks.example/b"))));
        Assert.Equal(InstanceChangeKind.InPlace, InstanceChange.Classify(Settings("web", 51), hooked));
    }

    [Fact]
    public void OnlyTheUnicastPeers_IsInPlace_SwitchingToUnicastRestarts()
    {
        static void Peers(VirtualIpSpec s, params string[] peers) => s.Unicast = new VrrpUnicast { Peers = [.. peers] };
        var two = Settings("web", 51, change: s => Peers(s, "10.99.0.2", "10.99.0.3"));
        Assert.Equal(InstanceChangeKind.Unchanged, InstanceChange.Classify(two, Settings("web", 51, change: s => Peers(s, "10.99.0.2", "10.99.0.3"))));
        Assert.Equal(InstanceChangeKind.InPlace, InstanceChange.Classify(two, Settings("web", 51, change: s => Peers(s, "10.99.0.2"))));
        Assert.Equal(InstanceChangeKind.InPlace, InstanceChange.Classify(two, Settings("web", 51, priority: 90, change: s => Peers(s, "10.99.0.4"))));
        Assert.Equal(InstanceChangeKind.Restart, InstanceChange.Classify(Settings("web", 51), two));
        Assert.Equal(InstanceChangeKind.Restart, InstanceChange.Classify(two, Settings("web", 51)));
    }

    public static TheoryData<string, Action<VirtualIpSpec>> RestartingChanges => new()
    {
        { "another VRID", s => s.VirtualRouterId = 52 },
        { "another VIP", s => s.Addresses = ["10.99.0.251"] },
        { "one more VIP", s => s.Addresses = ["10.99.0.250", "10.99.0.251"] },
        { "another interval", s => s.AdvertInterval = "20ms" },
        { "another interface", s => s.Interface = "eth1" },
        { "no preemption", s => s.Preempt = false },
        { "a tracked check", s => s.Track = [new TrackCheck { Name = "api", Tcp = new TcpCheck { Port = 6443 } }] },
        { "gratuitous ARP refresh", s => s.GratuitousArp = new GratuitousArp { RefreshInterval = "30s" } },
    };

    [Theory]
    [MemberData(nameof(RestartingChanges))]
    public void AnyOtherChange_IsARestart(string what, Action<VirtualIpSpec> change)
    {
        Assert.True(InstanceChange.Classify(Settings("web", 51), Settings("web", 51, change: change)) == InstanceChangeKind.Restart, what);
    }

    [Fact]
    public void Compute_SortsWantedIntoAddRemoveRestartAdjust_LeavesTheRestAlone()
    {
        var running = new Dictionary<string, VrrpInstanceSettings>
        {
            ["same"] = Settings("same", 1, vip: "10.99.0.201"),
            ["reprioritised"] = Settings("reprioritised", 2, vip: "10.99.0.202"),
            ["changed"] = Settings("changed", 3, vip: "10.99.0.203"),
            ["gone"] = Settings("gone", 4, vip: "10.99.0.204"),
        };
        var wanted = new[]
        {
            Settings("same", 1, vip: "10.99.0.201"),
            Settings("reprioritised", 2, priority: 50, vip: "10.99.0.202"),
            Settings("changed", 3, vip: "10.99.0.213"),
            Settings("new", 5, vip: "10.99.0.205"),
        };

        var diff = InstanceSetDiff.Compute(running, wanted);

        Assert.Equal(["new"], diff.Added.Select(s => s.Name));
        Assert.Equal(["gone"], diff.Removed);
        Assert.Equal(["changed"], diff.Restarted.Select(s => s.Name));
        Assert.Equal(["reprioritised"], diff.Adjusted.Select(s => s.Name));
        Assert.Equal(50, diff.Adjusted[0].Router.Priority);
        Assert.True(InstanceSetDiff.Compute(running, [.. running.Values]).IsEmpty);
    }

    [Fact]
    public void Compute_NothingWanted_RemovesAll()
    {
        var running = new Dictionary<string, VrrpInstanceSettings> { ["b"] = Settings("b", 2), ["a"] = Settings("a", 1, vip: "10.99.0.251") };
        var diff = InstanceSetDiff.Compute(running, []);
        Assert.Equal(["a", "b"], diff.Removed);
        Assert.Empty(diff.Added);
    }
}
