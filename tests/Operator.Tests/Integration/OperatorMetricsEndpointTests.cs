using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Tests.Metrics;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Metrics.Exposition;
using static KeepOperator.Operator.Tests.Integration.OperatorCluster;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>`keepoperator run` as its own process against LocalCluster, scraped over HTTP while it reconciles.</summary>
public sealed class OperatorMetricsEndpointTests
{
    [Fact]
    public async Task The_leader_serves_its_reconciles()
    {
        await using var c = await StartAsync();
        var port = FreePort();
        using var op = ProgramProcess.Start("dotnet", [ProgramProcess.BuildOutput("src/Operator", "keepoperator.dll"), "run", "--kubeconfig", c.KubeconfigPath,
            "--identity", "metrics-test", "--metrics-address", $"127.0.0.1:{port}"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = $"http://127.0.0.1:{port}/metrics";

        await c.CreateNodeAsync("m-n1");
        await c.ApplyAsync("""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata: {name: web}
            spec: {addresses: ["10.77.0.250"]}
            """);
        await EventuallyAsync(() => c.PriorityAsync("m-n1", "web"), p => p == 100, $"web on m-n1; {op.Describe()}", seconds: 30);
        var text = await EventuallyAsync(
            () => Scrape(http, url),
            t => Value(t, "keepoperator_operator_reconcile_duration_seconds_count", ("kind", "node_agent_config")) > 0
                && Value(t, "keepoperator_operator_reconcile_duration_seconds_count", ("kind", "virtual_ip_status")) > 0,
            $"reconciles in the scrape; {op.Describe()}");

        Assert.Equal(1, Value(text, "keepoperator_operator_leader"));
        Assert.NotNull(Value(text, "keepoperator_operator_workqueue_depth"));
        Assert.Equal(0, Value(text, "keepoperator_operator_reconcile_errors_total", ("kind", "node_agent_config")));
        Assert.Equal(0, op.Stop(TimeSpan.FromSeconds(20)));
    }

    private static async Task<string> Scrape(HttpClient http, string url)
    {
        try
        {
            return await http.GetStringAsync(url);
        }
        catch (HttpRequestException e)
        {
            return e.Message; // not listening yet
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
