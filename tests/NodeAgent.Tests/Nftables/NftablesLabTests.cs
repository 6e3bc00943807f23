using System.Diagnostics;
using System.Globalization;
using System.Net;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>End to end: real connections from a client namespace through the director's nftables rules to two real servers.</summary>
public sealed class NftablesLabTests(ITestOutputHelper output)
{
    private static LoadBalancedService Web(params (string Address, int Weight)[] servers) => new(
        new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse(LoadBalancerLab.Vip), 80)) { Scheduler = "wrr" },
        servers.Select(s => NftablesSamples.Nat(s.Address, 80, s.Weight)).ToArray());

    /// <summary>Answers per real server name; every answer must have come through the director's masquerade.</summary>
    private static Dictionary<string, int> Tally(IReadOnlyList<string> answers, int expected)
    {
        Assert.Equal(expected, answers.Count);
        var tally = new Dictionary<string, int>();
        foreach (var answer in answers)
        {
            var parts = answer.Split(' ');
            Assert.True(parts.Length == 2, $"no answer: {answer}");
            Assert.Equal(LoadBalancerLab.DirectorAddress, parts[1]);
            tally[parts[0]] = tally.GetValueOrDefault(parts[0]) + 1;
        }
        return tally;
    }

    [RootFact]
    public async Task Balances_follows_health_changes_and_weights()
    {
        using var lab = new LoadBalancerLab();
        var dataplane = new NftablesDataplane(new NftProcessRunner("ip", ["netns", "exec", lab.Director.Name, "nft"]));
        var both = new[] { Web((LoadBalancerLab.Rs1Address, 1), (LoadBalancerLab.Rs2Address, 1)) };
        var rs1Only = new[] { Web((LoadBalancerLab.Rs1Address, 1)) };
        var weighted = new[] { Web((LoadBalancerLab.Rs1Address, 3), (LoadBalancerLab.Rs2Address, 1)) };
        try
        {
            Assert.Equal(NftablesPlanKind.Full, (await dataplane.ApplyAsync(both, CancellationToken.None)).Kind);
            Assert.Equal(new Dictionary<string, int> { ["rs1"] = 10, ["rs2"] = 10 }, Tally(lab.Request(20), 20));

            Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync(rs1Only, CancellationToken.None)).Kind);
            Assert.Equal(new Dictionary<string, int> { ["rs1"] = 20 }, Tally(lab.Request(20), 20));

            Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync(both, CancellationToken.None)).Kind);
            Assert.Equal(new Dictionary<string, int> { ["rs1"] = 10, ["rs2"] = 10 }, Tally(lab.Request(20), 20));

            // Replacing the rule restarts its numgen counter, so 40 connections are exactly ten wrr cycles.
            Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync(weighted, CancellationToken.None)).Kind);
            Assert.Equal(new Dictionary<string, int> { ["rs1"] = 30, ["rs2"] = 10 }, Tally(lab.Request(40), 40));

            var timings = new List<double>();
            for (int i = 0; i < 20; i++)
            {
                var watch = Stopwatch.StartNew();
                var plan = await dataplane.ApplyAsync(i % 2 == 0 ? rs1Only : weighted, CancellationToken.None);
                timings.Add(watch.Elapsed.TotalMilliseconds);
                Assert.Equal(NftablesPlanKind.Incremental, plan.Kind);
            }
            timings.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"incremental update (ip netns exec + nft -f -), 20 runs: median {(timings[9] + timings[10]) / 2:F1} ms, min {timings[0]:F1} ms, max {timings[^1]:F1} ms"));
            Assert.Equal(new Dictionary<string, int> { ["rs1"] = 30, ["rs2"] = 10 }, Tally(lab.Request(40), 40));

            // Connections the director opens itself go through the output chain.
            Assert.Equal(new Dictionary<string, int> { ["rs1"] = 3, ["rs2"] = 1 }, Tally(LoadBalancerLab.Request(lab.Director, 4), 4));
        }
        finally
        {
            await dataplane.RemoveAsync(CancellationToken.None);
        }
        Assert.Equal("", lab.Director.Exec(TimeSpan.FromSeconds(10), null, "nft", "list", "tables").Output);
    }

    [RootFact]
    public async Task Persistence_keeps_a_client_on_its_real_server_until_that_server_goes()
    {
        using var lab = new LoadBalancerLab();
        var dataplane = new NftablesDataplane(new NftProcessRunner("ip", ["netns", "exec", lab.Director.Name, "nft"]));
        var persistent = Web((LoadBalancerLab.Rs1Address, 1), (LoadBalancerLab.Rs2Address, 1));
        persistent = persistent with { Service = persistent.Service with { Flags = ServiceFlags.Persistent, PersistenceTimeout = 60 } };
        try
        {
            await dataplane.ApplyAsync([persistent], CancellationToken.None);
            var first = Assert.Single(Tally(lab.Request(10), 10));
            Assert.Equal(10, first.Value);

            // Its server leaves: the persistence map is flushed and the client moves to the other one, for good.
            var remaining = persistent.Destinations.Where(d => d.Address.ToString() != (first.Key == "rs1" ? LoadBalancerLab.Rs1Address : LoadBalancerLab.Rs2Address)).ToArray();
            Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync([persistent with { Destinations = remaining }], CancellationToken.None)).Kind);
            var second = Assert.Single(Tally(lab.Request(5), 5));
            Assert.NotEqual(first.Key, second.Key);

            Assert.Equal(NftablesPlanKind.Incremental, (await dataplane.ApplyAsync([persistent], CancellationToken.None)).Kind);
            Assert.Equal(new Dictionary<string, int> { [second.Key] = 10 }, Tally(lab.Request(10), 10));
        }
        finally
        {
            await dataplane.RemoveAsync(CancellationToken.None);
        }
    }
}
