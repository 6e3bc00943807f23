using System.Net;
using KeepOperator.Api.Logging;
using KeepOperator.Api.Metrics;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.LoadBalancing;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>The agent's command line, parsed without touching the host.</summary>
public sealed class AgentCommandLineTests
{
    [Fact]
    public void Standalone_flags_set_their_options()
    {
        var parsed = AgentCommandLine.Parse(["--config", "vip.yaml", "--node-name", "n1", "--dry-run", "--log-format", "json", "--dataplane", "nftables", "--metrics-address", "127.0.0.1:9999"], "from-env");
        Assert.Equal(new AgentOptions("vip.yaml", null, "n1", LogFormat.Json, DataplaneMode.Nftables, true, new MetricsAddress(IPAddress.Loopback, 9999)), parsed.Options);
    }

    [Fact]
    public void Cluster_mode_defaults_the_node_name_to_NODE_NAME_and_metrics_to_9650()
    {
        var parsed = AgentCommandLine.Parse(["--kubeconfig", "kc"], "from-env");
        Assert.Equal(new AgentOptions(null, "kc", "from-env", LogFormat.Logfmt, DataplaneMode.Auto, false, new MetricsAddress(null, AgentCommandLine.DefaultMetricsPort)), parsed.Options);
        Assert.Equal(Environment.MachineName, AgentCommandLine.Parse([], null).Options!.NodeName);
        Assert.Null(AgentCommandLine.Parse(["--metrics-address", "off"], null).Options!.MetricsAddress);
    }

    [Theory]
    [InlineData("--metrics-address: IP:PORT, [IPv6]:PORT, :PORT (every address) or off, got \"localhost:1\"", "--metrics-address", "localhost:1")]
    [InlineData("--metrics-address: IP:PORT, [IPv6]:PORT, :PORT (every address) or off, got \":http\"", "--metrics-address", ":http")]
    [InlineData("--dataplane: auto, ipvs or nftables, got \"ebpf\"", "--dataplane", "ebpf")]
    [InlineData("--log-format: logfmt or json, got \"xml\"", "--log-format", "xml")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "--frobnicate")]
    [InlineData("--config (standalone) and --kubeconfig (cluster) exclude each other", "--config", "a", "--kubeconfig", "b")]
    [InlineData("--dry-run needs --config", "--dry-run")]
    [InlineData("Required argument missing for option: '--node-name'", "--node-name")]
    public void Bad_usage_exits_two_naming_the_problem(string message, params string[] args)
    {
        var parsed = AgentCommandLine.Parse(args, null);
        Assert.Null(parsed.Options);
        Assert.Equal(2, parsed.ExitCode);
        Assert.Equal("", parsed.Output);
        Assert.Contains($"keepoperator-agent: {message}", parsed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_exits_zero_and_names_the_flags(string help)
    {
        var parsed = AgentCommandLine.Parse([help], null);
        Assert.Equal(0, parsed.ExitCode);
        Assert.Equal("", parsed.Error);
        foreach (var flag in new[] { "--config", "--node-name", "--kubeconfig", "--log-format", "--dataplane", "--dry-run", "--metrics-address" })
        {
            Assert.Contains(flag, parsed.Output, StringComparison.Ordinal);
        }
    }
}
