using System.Diagnostics;
using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Tests.Ipvs;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>--dry-run prints, for every request, ipvsadm's command line and the bytes ipvsadm sent for it (golden.txt).</summary>
public class DryRunGoldenTests
{
    // Every golden case a VirtualServer can express: the seed's persistent DR service, a NAT one (default scheduler),
    // UDP, and a firewall mark; each VirtualIp on lo, which every host has.
    private const string Yaml = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIp
        metadata: {name: seed}
        spec: {addresses: [192.168.216.250], interface: lo, virtualRouterId: 1, priorities: [{nodeName: n1, priority: 100}]}
        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIp
        metadata: {name: inside}
        spec: {addresses: [10.0.0.10, 10.0.0.53], interface: lo, virtualRouterId: 2}
        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata: {name: seed-80}
        spec:
          virtualIpRef: seed
          port: 80
          scheduler: rr
          forwarding: DR
          persistenceTimeout: 50s
          realServers: [{address: 192.168.216.204}, {address: 192.168.216.179, weight: 1}]
        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata: {name: tls}
        spec:
          virtualIpRef: inside
          port: 443
          realServers: [{address: 10.0.1.5, port: 8443, weight: 3}]
        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata: {name: dns}
        spec:
          virtualIpRef: inside
          address: 10.0.0.53
          port: 53
          protocol: UDP
          scheduler: sh
          realServers: [{address: 10.0.2.1}]
        ---
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata: {name: marked}
        spec:
          virtualIpRef: inside
          fwmark: 7
          scheduler: rr
          forwarding: DR
          realServers: [{address: 10.0.3.1}]
        """;

    /// <summary>"# ipvsadm ..." and the hex line after it, pair by pair.</summary>
    private static List<(string Arguments, string Hex)> Requests(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var requests = new List<(string, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("# ipvsadm ", StringComparison.Ordinal))
            {
                requests.Add((lines[i]["# ipvsadm ".Length..], lines[i + 1]));
            }
        }

        return requests;
    }

    private static void AssertGolden(List<(string Arguments, string Hex)> requests)
    {
        foreach (var (arguments, hex) in requests)
        {
            Assert.Equal(Assert.Single(IpvsGolden.Get(arguments).Requests), hex);
        }
    }

    [Fact]
    public async Task The_cli_prints_ipvsadm_s_requests_for_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keepoperator-dryrun-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, Yaml);
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "keepoperator-agent.dll"), "--config", path, "--node-name", "n1", "--dataplane", "ipvs", "--dry-run" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(process.ExitCode == 0, await error);
            var requests = Requests(await output);
            Assert.Equal(
            [
                "-A -t 192.168.216.250:80 -s rr -p 50",
                "-a -t 192.168.216.250:80 -r 192.168.216.204:80 -g -w 1",
                "-a -t 192.168.216.250:80 -r 192.168.216.179:80 -g -w 1",
                "-A -t 10.0.0.10:443 -s wlc",
                "-a -t 10.0.0.10:443 -r 10.0.1.5:8443 -m -w 3",
                "-A -u 10.0.0.53:53 -s sh",
                "-a -u 10.0.0.53:53 -r 10.0.2.1:53 -m -w 1",
                "-A -f 7 -s rr",
                "-a -f 7 -r 10.0.3.1 -g -w 1",
            ], requests.Select(r => r.Arguments));
            AssertGolden(requests);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_ipv6_virtual_server_renders_as_ipvsadm_sent_it()
    {
        var vip = VirtualServerSamples.Vip();
        vip.Spec.Addresses = ["2001:db8::10"];
        var server = VirtualServerSamples.Web("v6");
        server.Spec.Forwarding = "DR";
        server.Spec.RealServers = [new RealServer { Address = "2001:db8::21", Weight = 5 }];
        server.Spec.HealthCheck = null;
        var definition = new VirtualServerDefinition(VirtualServerResolver.Resolve(server, vip));

        var requests = Requests(DryRun.Render([definition], DataplaneKind.Ipvs));

        Assert.Equal(["-A -t [2001:db8::10]:80 -s rr", "-a -t [2001:db8::10]:80 -r [2001:db8::21]:80 -g -w 5"], requests.Select(r => r.Arguments));
        AssertGolden(requests);
    }

    [Fact]
    public void The_nftables_dry_run_is_the_full_table_nft_would_get()
    {
        var text = DryRun.Render([VirtualServerSamples.Definition(VirtualServerSamples.Web())], DataplaneKind.Nftables);

        Assert.Contains("ip daddr 10.77.0.250 meta l4proto tcp th dport 80", text, StringComparison.Ordinal);
        Assert.Contains("10.77.0.12 . 80", text, StringComparison.Ordinal);
    }
}
