using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Health.Checker;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>The scheduler with real probes against listeners on 127.0.0.1 (ports picked by the kernel).</summary>
public sealed class HealthCheckSchedulerTests
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private static readonly RealServerCheckPolicy Fast = new(TimeSpan.FromMilliseconds(100), 1, TimeSpan.FromMilliseconds(50));

    [Fact]
    public async Task Verdicts_reach_the_callback_and_the_snapshot_and_a_killed_server_goes_down()
    {
        var live = new TcpListener(IPAddress.Loopback, 0);
        live.Start();
        var livePort = ((IPEndPoint)live.LocalEndpoint).Port;
        var deadPort = ClosedPort.Pick();
        var checks = Enumerable.Range(0, 20)
            .Select(i => Tcp($"vs{i % 2}", i < 10 ? livePort : deadPort))
            .ToArray();
        var changes = new ConcurrentQueue<RealServerHealthChange>();
        var scheduler = new HealthCheckScheduler(checks, random: new Random(3));
        scheduler.HealthChanged += changes.Enqueue;
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);
        try
        {
            await Eventually.WaitUntilAsync(() => changes.Count >= 20, TimeSpan.FromSeconds(5));
            var first = changes.ToArray();
            Assert.Equal(10, first.Count(c => c.Healthy && c.RealServer.Port == livePort));
            Assert.Equal(10, first.Count(c => !c.Healthy && c.RealServer.Port == deadPort));
            Assert.All(first.Where(c => !c.Healthy), c => Assert.Contains($"127.0.0.1:{deadPort}", c.Message, StringComparison.Ordinal));
            var snapshot = scheduler.Snapshot();
            Assert.Equal(checks.Select(c => c.RealServer.Port == livePort), snapshot.Select(s => s.Healthy));
            Assert.All(snapshot, s => Assert.NotNull(s.LastResult));

            live.Stop();
            var killedAt = DateTimeOffset.UtcNow;
            await Eventually.WaitUntilAsync(() => changes.Count >= 30, TimeSpan.FromSeconds(5));
            var downs = changes.Skip(20).ToArray();
            Assert.All(downs, c => Assert.False(c.Healthy));
            Assert.Equal(10, downs.Length);

            // Down after retry+1 failures: at most delay_loop, then delay_before_retry, plus scheduling slack.
            Assert.All(downs, c => Assert.InRange(c.At - killedAt, TimeSpan.Zero, TimeSpan.FromMilliseconds(150 + 300)));
            Assert.All(scheduler.Snapshot(), s => Assert.False(s.Healthy));
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(5));
            live.Dispose();
        }
    }

    [Fact]
    public async Task A_finished_tcp_check_allocates_nothing_on_the_loop_and_still_reaches_the_snapshot()
    {
        using var live = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        live.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        live.Listen(4096);
        var port = ((IPEndPoint)live.LocalEndPoint!).Port;
        var every20ms = new RealServerCheckPolicy(TimeSpan.FromMilliseconds(20), 0, TimeSpan.FromMilliseconds(20));
        var scheduler = new HealthCheckScheduler([.. Enumerable.Range(0, 20).Select(i => RealServerCheck.TcpConnect($"vs{i}", new IPEndPoint(IPAddress.Loopback, port), ConnectTimeout, every20ms))]);
        var (completed, failed, allocatedAt100, allocatedAt400) = (0, 0, 0L, 0L);
        var counted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.CheckCompleted += completion =>
        {
            failed += completion.Success ? 0 : 1;
            switch (++completed)
            {
                case 100:
                    allocatedAt100 = GC.GetAllocatedBytesForCurrentThread();
                    break;
                case 400:
                    allocatedAt400 = GC.GetAllocatedBytesForCurrentThread();
                    counted.TrySetResult();
                    break;
            }
        };
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);
        using var accepting = new CancellationTokenSource();
        var acceptor = Task.Run(async () =>
        {
            while (true)
            {
                using var connection = await live.AcceptAsync(accepting.Token);
            }
        });
        try
        {
            await counted.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, failed);
            Assert.Equal(0, allocatedAt400 - allocatedAt100);
            Assert.All(scheduler.Snapshot(), s => Assert.True(s.Healthy && s.LastResult is { Success: true } && s.LastCheck is not null));
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(5));
            await accepting.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acceptor);
        }
    }

    [Fact]
    public async Task Tcp_checks_reach_ipv6_servers()
    {
        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        var changes = new ConcurrentQueue<RealServerHealthChange>();
        var scheduler = new HealthCheckScheduler([RealServerCheck.TcpConnect("vs6", endpoint, ConnectTimeout, Fast)]);
        scheduler.HealthChanged += changes.Enqueue;
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);
        await Eventually.WaitUntilAsync(() => !changes.IsEmpty, TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        var up = Assert.Single(changes);
        Assert.True(up.Healthy, up.Message);
        Assert.Equal($"connected to [::1]:{endpoint.Port}", up.Message);
    }

    [Fact]
    public async Task A_connect_that_hangs_fails_after_its_connect_timeout()
    {
        using var listener = await HangingListener.StartAsync();
        var endpoint = listener.Endpoint;

        var timeout = TimeSpan.FromMilliseconds(300);
        var changes = new ConcurrentQueue<RealServerHealthChange>();
        var scheduler = new HealthCheckScheduler(
            [RealServerCheck.TcpConnect("vs", endpoint, timeout, new RealServerCheckPolicy(TimeSpan.FromSeconds(1), 0, TimeSpan.Zero, warmup: TimeSpan.Zero))]);
        scheduler.HealthChanged += changes.Enqueue;
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);
        await Eventually.WaitUntilAsync(() => !changes.IsEmpty, TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        var down = Assert.Single(changes);
        Assert.False(down.Healthy);
        Assert.Equal($"connect to {endpoint}: timed out after 300ms", down.Message);
        Assert.InRange(down.Latency, timeout, timeout + TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Http_get_checks_run_through_the_same_loop()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy", stop.Token);
        var url = new Uri($"http://web.example:{port}/healthz");
        var target = new IPEndPoint(IPAddress.Loopback, port);
        RealServerCheck[] checks =
        [
            RealServerCheck.WithProbe("accepts-503", target, new HttpGetProbe(url, Ranges("503"), ConnectTimeout, new Regex("busy"), target), Fast),
            RealServerCheck.WithProbe("wants-200", target, new HttpGetProbe(url, HttpStatusRanges.Default, ConnectTimeout, connectTo: target), Fast),
        ];
        var changes = new ConcurrentQueue<RealServerHealthChange>();
        var scheduler = new HealthCheckScheduler(checks, random: new Random(5));
        scheduler.HealthChanged += changes.Enqueue;
        var run = scheduler.RunAsync(stop.Token);
        try
        {
            await Eventually.WaitUntilAsync(() => changes.Count >= 2, TimeSpan.FromSeconds(5));
            Assert.True(changes.Single(c => c.VirtualServer == "accepts-503").Healthy);
            var wants200 = changes.Single(c => c.VirtualServer == "wants-200");
            Assert.False(wants200.Healthy);
            Assert.Contains("status 503", wants200.Message, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(5));
            await server;
        }
    }

    private static RealServerCheck Tcp(string virtualServer, int port) =>
        RealServerCheck.TcpConnect(virtualServer, new IPEndPoint(IPAddress.Loopback, port), ConnectTimeout, Fast);

    private static HttpStatusRanges Ranges(string text) =>
        HttpStatusRanges.TryParse(text, out var ranges, out var error) ? ranges : throw new ArgumentException(error);

    private static async Task ServeAsync(TcpListener listener, string response, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(response);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, cancellationToken);
                await stream.WriteAsync(bytes, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
            }
        }
    }
}
