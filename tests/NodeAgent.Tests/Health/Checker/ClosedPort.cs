using System.Net;
using System.Net.Sockets;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>A loopback port nothing listens on (just released by the kernel): connects to it are refused.</summary>
internal static class ClosedPort
{
    public static int Pick()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
