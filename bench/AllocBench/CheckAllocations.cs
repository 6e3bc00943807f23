using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Health.Checker;

namespace KeepOperator.Bench.AllocBench;

/// <summary>
/// The checker's loop on 100 loopback real servers (one listener that accepts and closes), checked every 50 ms:
/// the bytes its thread allocated between the first completed check after a warm-up and the last one counted.
/// </summary>
internal static class CheckAllocations
{
    private const int Servers = 100;
    private const int WarmupChecks = 2_000;

    public static async Task<double> PerCheckAsync(int checks)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4096);
        using var stop = new CancellationTokenSource();
        var accepting = AcceptAndCloseAsync(listener, stop.Token);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        var policy = new RealServerCheckPolicy(TimeSpan.FromMilliseconds(50), 0, TimeSpan.FromMilliseconds(50));
        var scheduler = new HealthCheckScheduler([.. Enumerable.Range(0, Servers).Select(i =>
            RealServerCheck.TcpConnect($"vs{i}", endpoint, TimeSpan.FromSeconds(1), policy))]);
        var (completed, failed, start, end) = (0, 0, 0L, 0L);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.CheckCompleted += completion =>
        {
            failed += completion.Success ? 0 : 1;
            if (++completed == WarmupChecks)
            {
                start = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (completed == WarmupChecks + checks)
            {
                end = GC.GetAllocatedBytesForCurrentThread();
                done.TrySetResult();
            }
        };
        var run = scheduler.RunAsync(stop.Token);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await run.ConfigureAwait(false);
        listener.Close();
        await accepting.ConfigureAwait(false);
        if (failed > 0)
        {
            throw new InvalidOperationException($"bench precondition failed: {failed} checks of a listening server failed");
        }

        return (double)(end - start) / checks;
    }

    private static async Task AcceptAndCloseAsync(Socket listener, CancellationToken cancel)
    {
        try
        {
            while (true)
            {
                using var connection = await listener.AcceptAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }
}
