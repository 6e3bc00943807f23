using System.Net;
using System.Text.RegularExpressions;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Health.Checker;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>Which checks of a new list continue current ones (and keep their state) and which current ones end.</summary>
public sealed class RealServerCheckMatchingTests
{
    private static readonly RealServerCheckPolicy Policy = new(TimeSpan.FromSeconds(1), 1, TimeSpan.FromMilliseconds(300));
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    [Fact]
    public void Equal_checks_continue_and_the_rest_are_added_or_removed()
    {
        RealServerCheck[] current = [Tcp("a", 1), Tcp("a", 2), Tcp("b", 1)];
        RealServerCheck[] next = [Tcp("b", 1), Tcp("a", 3), Tcp("a", 1)];

        var matching = RealServerCheckMatching.Match(current, next);

        Assert.Equal([2, -1, 0], matching.Previous);
        Assert.Equal([1], matching.Removed);
    }

    public static TheoryData<string, RealServerCheck> Changed() => new()
    {
        { "another virtual server", Tcp("other", 1) },
        { "another port", Tcp("a", 9) },
        { "another connect timeout", RealServerCheck.TcpConnect("a", Endpoint(1), TimeSpan.FromSeconds(2), Policy) },
        { "another delay_loop", RealServerCheck.TcpConnect("a", Endpoint(1), Timeout, new(TimeSpan.FromSeconds(2), 1, TimeSpan.FromMilliseconds(300))) },
        { "another retry", RealServerCheck.TcpConnect("a", Endpoint(1), Timeout, new(TimeSpan.FromSeconds(1), 2, TimeSpan.FromMilliseconds(300))) },
        { "alpha", RealServerCheck.TcpConnect("a", Endpoint(1), Timeout, new(TimeSpan.FromSeconds(1), 1, TimeSpan.FromMilliseconds(300), alpha: true)) },
        { "HTTP_GET instead of TCP_CHECK", Http("a", 1, "/") },
    };

    [Theory]
    [MemberData(nameof(Changed))]
    public void A_check_with_any_setting_changed_is_a_new_check(string change, RealServerCheck changed)
    {
        var matching = RealServerCheckMatching.Match([Tcp("a", 1)], [changed]);
        Assert.True(matching.Previous[0] == -1, change);
        Assert.Equal([0], matching.Removed);
    }

    [Fact]
    public void Http_checks_compare_by_probe_settings_not_probe_objects()
    {
        var matching = RealServerCheckMatching.Match([Http("a", 1, "/healthz"), Http("a", 2, "/")], [Http("a", 1, "/healthz"), Http("a", 2, "/ready")]);
        Assert.Equal([0, -1], matching.Previous);
        Assert.Equal([1], matching.Removed);
    }

    [Fact]
    public void Duplicates_pair_up_in_order()
    {
        var matching = RealServerCheckMatching.Match([Tcp("a", 1), Tcp("a", 1)], [Tcp("a", 1), Tcp("a", 1), Tcp("a", 1)]);
        Assert.Equal([0, 1, -1], matching.Previous);
        Assert.Empty(matching.Removed);
    }

    private static IPEndPoint Endpoint(int port) => new(IPAddress.Parse("10.0.0.1"), port);

    private static RealServerCheck Tcp(string virtualServer, int port) => RealServerCheck.TcpConnect(virtualServer, Endpoint(port), Timeout, Policy);

    private static RealServerCheck Http(string virtualServer, int port, string path) => RealServerCheck.WithProbe(
        virtualServer,
        Endpoint(port),
        new HttpGetProbe(new Uri($"http://web.example{path}"), HttpStatusRanges.Default, Timeout, new Regex("ok"), Endpoint(port)),
        Policy);
}
