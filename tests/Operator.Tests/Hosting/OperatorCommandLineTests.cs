using KeepOperator.Operator.Hosting;
using Xunit;

namespace KeepOperator.Operator.Tests.Hosting;

public sealed class OperatorCommandLineTests
{
    /// <summary>The options `keepoperator ARGS` runs with; fails the test on a usage error.</summary>
    internal static OperatorOptions RunOptions(params string[] args)
    {
        var parsed = OperatorCommandLine.Parse(args, new OperatorOptions());
        Assert.Equal("", parsed.Error);
        return Assert.IsType<RunOperator>(parsed.Options).Options;
    }

    [Fact]
    public void Flags_SetTheirOptions()
    {
        var options = RunOptions("--kubeconfig", "/tmp/kc", "--leader-election-namespace", "kube-system", "--lease-name", "l", "--identity", "me", "--cordoned-priority-offset", "10", "--heartbeat-timeout", "1m", "--workers", "4", "--log-format", "json");
        Assert.Equal(("/tmp/kc", "kube-system", "l", "me", 10, TimeSpan.FromMinutes(1), 4, KeepOperator.Api.Logging.LogFormat.Json),
            (options.Kubeconfig, options.Namespace, options.LeaseName, options.Identity, options.CordonedPriorityOffset, options.HeartbeatTimeout, options.Workers, options.LogFormat));
    }

    [Fact]
    public void Secret_namespaces_default_to_the_release_namespace_and_take_a_list()
    {
        Assert.Equal(["kube-system"], RunOptions("--leader-election-namespace", "kube-system").WatchedSecretNamespaces);
        Assert.Equal(["a", "b"], RunOptions("--leader-election-namespace", "kube-system", "--secret-namespaces", "a, b").WatchedSecretNamespaces);
    }

    [Fact]
    public void Run_IsTheDefaultCommand_AndUnsetFlagsKeepTheDefaults()
    {
        var defaults = new OperatorOptions { Namespace = "from-service-account" };
        Assert.Equal(defaults, Assert.IsType<RunOperator>(OperatorCommandLine.Parse([], defaults).Options).Options);
        Assert.Equal(defaults, Assert.IsType<RunOperator>(OperatorCommandLine.Parse(["run"], defaults).Options).Options);
        Assert.Equal("me", RunOptions("run", "--identity", "me").Identity);
    }

    [Fact]
    public void The_default_load_balancer_class_is_off_unless_asked_for()
    {
        Assert.False(RunOptions().DefaultLoadBalancerClass);
        Assert.True(RunOptions("--default-load-balancer-class").DefaultLoadBalancerClass);
    }

    [Fact]
    public void A_repeated_flag_takes_its_last_value_as_before() =>
        Assert.Equal(8, RunOptions("--workers", "3", "--workers", "8").Workers);

    [Theory]
    [InlineData("--cordoned-priority-offset", "0", "--cordoned-priority-offset: must be a number from 1 to 253, got \"0\"")]
    [InlineData("--workers", "many", "--workers: must be a number from 1 to 64, got \"many\"")]
    [InlineData("--heartbeat-timeout", "soon", "--heartbeat-timeout: must be a positive duration such as \"30s\", got \"soon\"")]
    [InlineData("--log-format", "xml", "--log-format: logfmt or json, got \"xml\"")]
    [InlineData("--frobnicate", "x", "Unrecognized command or argument '--frobnicate'")]
    public void BadFlags_AreRefused_WithTheReason_AndExitTwo(string flag, string value, string message)
    {
        var parsed = OperatorCommandLine.Parse(["run", flag, value], new OperatorOptions());
        Assert.Null(parsed.Options);
        Assert.Equal(2, parsed.ExitCode);
        Assert.Equal("", parsed.Output);
        Assert.Contains($"keepoperator: {message}", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_without_its_value_is_a_usage_error()
    {
        var parsed = OperatorCommandLine.Parse(["--lease-name"], new OperatorOptions());
        Assert.Equal(2, parsed.ExitCode);
        Assert.Contains("--lease-name", parsed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("run", "--help")]
    public void Help_ExitsZero_AndNamesTheFlags(params string[] args)
    {
        var parsed = OperatorCommandLine.Parse(args, new OperatorOptions());
        Assert.Null(parsed.Options);
        Assert.Equal(0, parsed.ExitCode);
        Assert.Equal("", parsed.Error);
        foreach (var flag in new[] { "--kubeconfig", "--leader-election-namespace", "--metrics-address", "--health-address", "--workers" })
        {
            Assert.Contains(flag, parsed.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownSubcommand_ExitsTwo_AndHelpPrintsUsage()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, await OperatorCli.RunAsync(["frobnicate"], stdout, stderr));
        Assert.Contains("keepoperator: Unrecognized command or argument 'frobnicate'", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
        Assert.Equal(0, await OperatorCli.RunAsync(["run", "--help"], stdout, stderr));
        Assert.Contains("keepoperator run [options]", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ko-keepoperator-operator-7d4b9c-x2x9z", "ko-keepoperator-operator-7d4b9c-x2x9z")]
    [InlineData(null, null)]
    [InlineData("", null)]
    public void The_lease_identity_is_the_pod_s_name_when_the_chart_passes_it(string? podName, string? expected) =>
        Assert.Equal(expected ?? $"{Environment.MachineName}_{Environment.ProcessId}", OperatorOptions.DefaultIdentity(podName));
}
