using System.Net;
using System.Net.Sockets;

namespace KeepOperator.Bench.NftUpdate;

/// <summary>A real server stand-in: accepts and closes every connection until stopped (then connects are refused).</summary>
internal sealed class AcceptingListener : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly Task accepting;

    public AcceptingListener(IPEndPoint endpoint)
    {
        listener = new TcpListener(endpoint);
        listener.Start(4096);
        accepting = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        await accepting.ConfigureAwait(false);
        listener.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            try
            {
                using var client = await listener.AcceptSocketAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // stopped
            }
        }
    }
}
