using KeepOperator.Operator.Hosting;
using Xunit;

namespace KeepOperator.Operator.Tests.Hosting;

public sealed class OperatorCommandLineTests
{
    [Fact]
    public void Flags_SetTheirOptions()
    {
        var (options, error) = OperatorCommandLine.Parse(
            ["--kubeconfig", "/tmp/kc", "--leader-election-namespace", "kube-system", "--lease-name", "l", "--identity", "me", "--cordoned-priority-offset", "10", "--heartbeat-timeout", "1m"],
            new OperatorOptions());
        Assert.Null(error);
        Assert.Equal(("/tmp/kc", "kube-system", "l", "me", 10, TimeSpan.FromMinutes(1)), (options!.Kubeconfig, options.Namespace, options.LeaseName, options.Identity, options.CordonedPriorityOffset, options.HeartbeatTimeout));
    }

    [Theory]
    [InlineData("--cordoned-priority-offset", "0", "must be a number from 1 to 253")]
    [InlineData("--heartbeat-timeout", "soon", "must be a positive duration")]
    [InlineData("--frobnicate", "x", "unknown flag --frobnicate")]
    public void BadFlags_AreRefused_WithTheReason(string flag, string value, string message)
    {
        var (options, error) = OperatorCommandLine.Parse([flag, value], new OperatorOptions());
        Assert.Null(options);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownSubcommand_ExitsTwo_AndHelpPrintsUsage()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, await OperatorCli.RunAsync(["frobnicate"], stdout, stderr));
        Assert.Contains("unknown command \"frobnicate\"", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await OperatorCli.RunAsync(["run", "--help"], stdout, stderr));
        Assert.Contains("usage: keepoperator [run]", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ko-keepoperator-operator-7d4b9c-x2x9z", "ko-keepoperator-operator-7d4b9c-x2x9z")]
    [InlineData(null, null)]
    [InlineData("", null)]
    public void The_lease_identity_is_the_pod_s_name_when_the_chart_passes_it(string? podName, string? expected) =>
        Assert.Equal(expected ?? $"{Environment.MachineName}_{Environment.ProcessId}", OperatorOptions.DefaultIdentity(podName));
}
