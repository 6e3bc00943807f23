using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Health;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health;

/// <summary>Real probes against listeners on 127.0.0.1 (port 0: the kernel picks a free one).</summary>
public class LoopbackProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Tcp_probe_succeeds_on_an_open_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await new TcpConnectProbe("127.0.0.1", port, Timeout).ProbeAsync(CancellationToken.None);
        Assert.True(result.Success, result.Message);
        Assert.Equal($"connected to 127.0.0.1:{port}", result.Message);
        Assert.True(result.Duration >= TimeSpan.Zero);
    }

    [Fact]
    public async Task Tcp_probe_resolves_names()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var result = await new TcpConnectProbe("localhost", port, Timeout).ProbeAsync(CancellationToken.None);
        Assert.True(result.Success, result.Message);
    }

    [Fact]
    public async Task Tcp_probe_fails_on_a_closed_port()
    {
        var port = ClosedPort();
        var result = await new TcpConnectProbe("127.0.0.1", port, Timeout).ProbeAsync(CancellationToken.None);
        Assert.False(result.Success);
        Assert.StartsWith($"connect to 127.0.0.1:{port}: ", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_probe_honours_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new TcpConnectProbe("127.0.0.1", 1, Timeout).ProbeAsync(cancelled.Token));
    }

    /// <summary>A tiny HTTP/1.1 responder: answers each connection with one canned response, then closes.</summary>
    private sealed class Responder : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;

        public Responder(int status, string body, TimeSpan delay = default)
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            loop = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await listener.AcceptTcpClientAsync(stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            var stream = client.GetStream();
                            var request = new StringBuilder();
                            var buffer = new byte[1024];
                            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                            {
                                var read = await stream.ReadAsync(buffer, stop.Token);
                                if (read == 0)
                                {
                                    return;
                                }

                                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                            }

                            lock (Requests)
                            {
                                Requests.Add(request.ToString());
                            }

                            if (delay > TimeSpan.Zero)
                            {
                                await Task.Delay(delay, stop.Token);
                            }

                            var bytes = Encoding.UTF8.GetBytes(body);
                            var head = $"HTTP/1.1 {status} Whatever\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop.Token);
                            await stream.WriteAsync(bytes, stop.Token);
                        }
                    });
                }
            });
        }

        public int Port { get; }

        public List<string> Requests { get; } = [];

        public Uri Url(string path = "/healthz") => new($"http://127.0.0.1:{Port}{path}");

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            try
            {
                loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            stop.Dispose();
        }
    }

    [Fact]
    public async Task Http_probe_succeeds_on_200()
    {
        using var server = new Responder(200, "all good");
        var result = await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, Timeout).ProbeAsync(CancellationToken.None);
        Assert.True(result.Success, result.Message);
        Assert.Equal($"GET {server.Url()}: status 200", result.Message);
        var request = Assert.Single(server.Requests);
        Assert.StartsWith("GET /healthz HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("Connection: close", request, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Http_probe_fails_on_500()
    {
        using var server = new Responder(500, "oops");
        var result = await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, Timeout).ProbeAsync(CancellationToken.None);
        Assert.False(result.Success);
        Assert.Equal($"GET {server.Url()}: status 500, expected 200-299", result.Message);
    }

    [Fact]
    public async Task Http_probe_accepts_configured_statuses_and_does_not_follow_redirects()
    {
        using var server = new Responder(302, "");
        Assert.False((await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, Timeout).ProbeAsync(CancellationToken.None)).Success);
        Assert.True((await new HttpGetProbe(server.Url(), HttpStatusRanges.Parse("200-299,302"), Timeout).ProbeAsync(CancellationToken.None)).Success);
    }

    [Fact]
    public async Task Http_probe_can_match_the_body()
    {
        using var server = new Responder(200, "status: healthy");
        Assert.True((await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, Timeout, new Regex("healthy")).ProbeAsync(CancellationToken.None)).Success);
        var result = await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, Timeout, new Regex("^ok$")).ProbeAsync(CancellationToken.None);
        Assert.False(result.Success);
        Assert.Contains("body does not match /^ok$/", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_probe_can_check_the_body_s_md5_digest_as_keepalived()
    {
        var body = new string('x', 100_000) + "healthy"; // longer than the pattern's prefix: the digest covers it all
        using var server = new Responder(200, body);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(body)));
        Assert.True((await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, Timeout, new Regex("^x+"), bodyDigest: digest).ProbeAsync(CancellationToken.None)).Success);
        var wrong = await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, Timeout, bodyDigest: new string('0', 32)).ProbeAsync(CancellationToken.None);
        Assert.False(wrong.Success);
        Assert.Contains($"body digest {digest}, expected {new string('0', 32)}", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_probe_fails_on_a_closed_port()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        var result = await new HttpGetProbe(url, HttpStatusRanges.Default, Timeout).ProbeAsync(CancellationToken.None);
        Assert.False(result.Success);
        Assert.StartsWith($"GET {url}: ", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_probe_times_out()
    {
        using var server = new Responder(200, "late", delay: TimeSpan.FromSeconds(3));
        var result = await new HttpGetProbe(server.Url(), HttpStatusRanges.Default, TimeSpan.FromMilliseconds(200)).ProbeAsync(CancellationToken.None);
        Assert.False(result.Success);
        Assert.Equal($"GET {server.Url()}: timed out after 200ms", result.Message);
        Assert.InRange(result.Duration, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public async Task Http_probe_can_connect_to_another_endpoint_keeping_the_host_header()
    {
        using var server = new Responder(200, "ok");
        var url = new Uri("http://web.example.invalid/healthz");
        var probe = new HttpGetProbe(url, HttpStatusRanges.Default, Timeout, connectTo: new IPEndPoint(IPAddress.Loopback, server.Port));
        var result = await probe.ProbeAsync(CancellationToken.None);
        Assert.True(result.Success, result.Message);
        Assert.Contains("Host: web.example.invalid", Assert.Single(server.Requests), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Monitor_with_real_probes_sees_a_service_go_down()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var monitor = new TrackMonitor(
            100,
            [new TrackedCheck("tcp", new TcpConnectProbe("127.0.0.1", port, TimeSpan.FromSeconds(1)), -50, TimeSpan.FromMilliseconds(50), 1, 1)]);
        var changes = new List<byte>();
        var down = new TaskCompletionSource();
        var up = new TaskCompletionSource();
        monitor.ProbeCompleted += c =>
        {
            if (c.State == TrackState.Ok)
            {
                up.TrySetResult();
            }
        };
        monitor.StatusChanged += s =>
        {
            lock (changes)
            {
                changes.Add(s.EffectivePriority);
            }

            if (s.EffectivePriority == 50)
            {
                down.TrySetResult();
            }
        };

        using var stop = new CancellationTokenSource();
        var loop = monitor.RunAsync(stop.Token);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(10));
        listener.Stop();
        await down.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([50], changes);
    }
}
