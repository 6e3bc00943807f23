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
    [InlineData("Required argument missing for option: '--node-name'", "--node-name", "--dry-run", "--config", "a")]
    [InlineData("Unrecognized command or argument 'stray'", "--config", "a", "stray")]
    [InlineData("--metrics-address: IP:PORT, [IPv6]:PORT, :PORT (every address) or off, got \"x\"", "--metrics-address=x")]
    public void Bad_usage_exits_two_naming_the_problem(string message, params string[] args)
    {
        var parsed = AgentCommandLine.Parse(args, null);
        Assert.Null(parsed.Options);
        Assert.Equal(2, parsed.ExitCode);
        Assert.Equal("", parsed.Output);
        Assert.Contains($"keepoperator-agent: {message}", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_all_reported_one_per_line_then_the_help_hint()
    {
        var parsed = AgentCommandLine.Parse(["--dataplane", "ebpf", "stray", "--log-format", "xml"], null);
        Assert.Equal(
            "keepoperator-agent: Unrecognized command or argument 'stray'.\n" +
            "keepoperator-agent: --log-format: logfmt or json, got \"xml\"\n" +
            "keepoperator-agent: --dataplane: auto, ipvs or nftables, got \"ebpf\"\n" +
            "see 'keepoperator-agent --help' for usage\n", parsed.Error);
    }

    [Fact]
    public void Values_may_follow_an_equals_sign_or_a_colon_and_the_last_repeated_one_wins()
    {
        var parsed = AgentCommandLine.Parse(["--node-name=n1", "--config:a.yaml", "--metrics-address=[::1]:9000", "--dataplane", "ipvs", "--dataplane", "nftables", "--node-name", "n2"], null);
        Assert.Equal(new AgentOptions("a.yaml", null, "n2", LogFormat.Logfmt, DataplaneMode.Nftables, false, new MetricsAddress(IPAddress.IPv6Loopback, 9000)), parsed.Options);
    }

    [Fact]
    public void Help_wins_over_usage_errors_and_shows_the_defaults()
    {
        var parsed = AgentCommandLine.Parse(["--frobnicate", "--dataplane", "ebpf", "-h"], null);
        Assert.Equal(0, parsed.ExitCode);
        Assert.Null(parsed.Options);
        Assert.Equal("", parsed.Error);
        Assert.StartsWith("Description:\n  keepoperator-agent --config FILE", parsed.Output, StringComparison.Ordinal);
        Assert.Contains("\nUsage:\n  keepoperator-agent [options]\n", parsed.Output, StringComparison.Ordinal);
        Assert.Contains("  --dataplane <auto|ipvs|nftables>       auto, ipvs or nftables:", parsed.Output, StringComparison.Ordinal);
        Assert.Contains("[default: auto]", parsed.Output, StringComparison.Ordinal);
        Assert.Contains("[default: logfmt]", parsed.Output, StringComparison.Ordinal);
        Assert.Contains("[default: :9650]", parsed.Output, StringComparison.Ordinal);
        Assert.Contains("\n  -h, --help                             Show help and usage information\n", parsed.Output, StringComparison.Ordinal);
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
