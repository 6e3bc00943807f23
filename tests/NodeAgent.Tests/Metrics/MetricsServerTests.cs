using System.Net;
using System.Net.Sockets;
using System.Text;
using KeepOperator.NodeAgent.Metrics;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Metrics;

/// <summary>The agent's small HTTP server on a loopback port of its own choosing.</summary>
public sealed class MetricsServerTests : IDisposable
{
    private readonly MetricsServer _server = MetricsServer.Start(new IPEndPoint(IPAddress.Loopback, 0), () => "up 1\n");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private string Url(string path) => $"http://127.0.0.1:{_server.LocalEndPoint.Port}{path}";

    [Fact]
    public async Task Get_metrics_answers_the_exposition_with_its_content_type()
    {
        using var response = await _http.GetAsync(Url("/metrics?debug=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("up 1\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Other_paths_are_not_found_and_other_methods_not_allowed()
    {
        using var root = await _http.GetAsync(Url("/"));
        using var post = await _http.PostAsync(Url("/metrics"), new StringContent(""));

        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task A_client_that_sends_nothing_does_not_hold_up_the_next_scrape()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(_server.LocalEndPoint);

        Assert.Equal("up 1\n", await _http.GetStringAsync(Url("/metrics")));
    }

    [Fact]
    public void A_port_in_use_is_refused_at_start()
    {
        var error = Assert.Throws<SocketException>(() => MetricsServer.Start(_server.LocalEndPoint, () => ""));

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public async Task A_restart_binds_the_port_again_right_after_scrapes()
    {
        var endPoint = _server.LocalEndPoint;
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(endPoint);
            await client.SendAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n"));
            var buffer = new byte[1024];
            while (await client.ReceiveAsync(buffer) > 0)
            {
                // read to the end: the server closes first, so its side of the connection stays in TIME_WAIT
            }
        }
        _server.Dispose();

        using var again = MetricsServer.Start(endPoint, () => "up 2\n");

        Assert.Equal("up 2\n", await _http.GetStringAsync(Url("/metrics")));
    }

    [Fact]
    public void Exposition_escapes_label_values_and_help_and_spells_infinity_as_prometheus_does()
    {
        var w = new ExpositionWriter();
        w.Family("m", "gauge", "a \\ and\na newline");
        w.Sample("m", ExpositionWriter.Labels(("path", "C:\\x \"y\"\nz"), ("le", ExpositionWriter.Number(double.PositiveInfinity))), 0.25);

        Assert.Equal(
            new StringBuilder()
                .Append("# HELP m a \\\\ and\\na newline\n")
                .Append("# TYPE m gauge\n")
                .Append("m{path=\"C:\\\\x \\\"y\\\"\\nz\",le=\"+Inf\"} 0.25\n")
                .ToString(),
            w.ToString());
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
    }
}
