using System.Net;
using System.Net.Sockets;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>
/// A listener on 127.0.0.1 that never accepts, its accept queue filled: the kernel drops further SYNs, so connects
/// to it hang until their timeout.
/// </summary>
internal sealed class HangingListener : IDisposable
{
    private readonly Socket listener;
    private readonly Socket filler;

    private HangingListener(Socket listener, Socket filler)
    {
        this.listener = listener;
        this.filler = filler;
    }

    public IPEndPoint Endpoint => (IPEndPoint)listener.LocalEndPoint!;

    public static async Task<HangingListener> StartAsync()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await filler.ConnectAsync(listener.LocalEndPoint!, limit.Token); // backlog 0 holds one connection
        return new HangingListener(listener, filler);
    }

    /// <summary>Accepts (and closes) one queued connection, making room for one more.</summary>
    public void AcceptOne() => listener.Accept().Dispose();

    public void Dispose()
    {
        filler.Dispose();
        listener.Dispose();
    }
}
