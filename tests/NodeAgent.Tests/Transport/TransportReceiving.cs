using KeepOperator.NodeAgent.Vrrp.Transport;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Tests.Transport;

/// <summary>The tests' blocking receive: poll() on the transport's readiness descriptor, as the agent's epoll waits on it.</summary>
internal static class TransportReceiving
{
    public static async Task<VrrpDatagram> ReceiveAsync(this IVrrpTransport transport, byte[] buffer, CancellationToken cancellationToken)
    {
        VrrpDatagram datagram;
        while (!transport.TryReceive(buffer, out datagram))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Run(() => WaitReadable(transport, 20), cancellationToken);
        }
        return datagram;
    }

    private static unsafe void WaitReadable(IVrrpTransport transport, int milliseconds)
    {
        var fd = new Tmds.Linux.pollfd { fd = (int)transport.ReadinessHandle.DangerousGetHandle(), events = POLLIN };
        _ = poll(&fd, 1, milliseconds);
    }
}
