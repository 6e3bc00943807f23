using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Metrics;
using KeepOperator.Operator.Hosting;
using Xunit;

namespace KeepOperator.Operator.Tests.Hosting;

public sealed class HealthServerTests
{
    [Fact]
    public async Task The_probes_get_ok_and_nothing_else_is_served()
    {
        var port = FreePort();
        using var server = HealthServer.Start(new MetricsAddress(IPAddress.Loopback, port));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        foreach (var path in new[] { "/healthz", "/readyz" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal((HttpStatusCode.OK, "ok"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        using var other = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public void The_flag_takes_the_metrics_spellings_and_defaults_to_8081()
    {
        Assert.Equal(8081, new OperatorOptions().HealthAddress?.Port);
        Assert.Equal(9440, OperatorCommandLineTests.RunOptions("--health-address", ":9440").HealthAddress?.Port);
        Assert.Null(OperatorCommandLineTests.RunOptions("--health-address", "off").HealthAddress);
        Assert.Contains("--health-address", OperatorCommandLine.Parse(["--health-address", "nope"], new OperatorOptions()).Error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
