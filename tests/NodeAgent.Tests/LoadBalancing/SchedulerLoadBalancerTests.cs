using System.Net;
using System.Net.Sockets;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Tests.Hosting;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>The load balancer on the real health checker, against listeners on loopback.</summary>
public class SchedulerLoadBalancerTests
{
    [Fact]
    public async Task A_real_server_that_stops_listening_leaves_the_dataplane_within_interval_times_retries_and_comes_back()
    {
        using var up = new TcpListener(IPAddress.Loopback, 0);
        var down = new TcpListener(IPAddress.Loopback, 0);
        up.Start();
        down.Start();
        int downPort = ((IPEndPoint)down.LocalEndpoint).Port;
        var server = VirtualServerSamples.Web();
        server.Spec.RealServers = [new RealServer { Address = "127.0.0.1", Port = ((IPEndPoint)up.LocalEndpoint).Port }, new RealServer { Address = "127.0.0.1", Port = downPort }];
        server.Spec.HealthCheck = new HealthCheck { Interval = "200ms", Retries = 1, DelayBeforeRetry = "100ms", Tcp = new TcpHealthCheck { ConnectTimeout = "500ms" } };
        var scheduler = new HealthCheckScheduler([]);
        var dataplane = new FakeDataplane();
        using var log = new CapturedLog();
        var balancer = new LoadBalancer(dataplane, new HealthCheckSchedulerChecker(scheduler), _ => [], TimeProvider.System, log.Log);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(scheduler.RunAsync(stop.Token), balancer.RunAsync(stop.Token));
        balancer.SetVirtualServers([VirtualServerSamples.Definition(server)]);

        async Task<TimeSpan> Until(int destinations)
        {
            var started = DateTime.UtcNow;
            while (dataplane.Applied.LastOrDefault()?.Single().Destinations.Count != destinations)
            {
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"timed out waiting for {destinations} destinations\n{string.Join('\n', log.Lines)}");
                await Task.Delay(10);
            }

            return DateTime.UtcNow - started;
        }

        await Until(2);
        down.Stop();
        // Warmup (<= interval) or the next check (interval), its failure, then the retry after delayBeforeRetry.
        var removedAfter = await Until(1);
        Assert.True(removedAfter < TimeSpan.FromSeconds(1.5), $"removed after {removedAfter}");
        Assert.Contains(log.Lines, l => l.Contains($"event=realserver vs=default/web rs=127.0.0.1:{downPort} healthy=false", StringComparison.Ordinal));
        Assert.NotNull(balancer.Status.VirtualServers.Single().RealServers![1].LastCheckTime);

        using var again = new TcpListener(IPAddress.Loopback, downPort);
        again.Start();
        await Until(2);

        await stop.CancelAsync();
        await running;
    }
}
