using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Health.Checker;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Health.Checker;

/// <summary>The connector's reused sockets on loopback: every outcome leaves a socket that connects right again.</summary>
public sealed class EpollTcpConnectorTests
{
    [Fact]
    public void One_socket_serves_successes_refusals_and_aborted_connects_in_turn()
    {
        using var live = new TcpListener(IPAddress.Loopback, 0);
        live.Start(100);
        var refused = EpollTcpConnector.SocketAddress(new IPEndPoint(IPAddress.Loopback, ClosedPort.Pick()));
        var up = EpollTcpConnector.SocketAddress((IPEndPoint)live.LocalEndpoint);
        using var connector = new EpollTcpConnector();
        connector.EnsureCapacity(1);

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(0, connector.Start(0, up));
            Assert.Equal(111, connector.Start(0, refused)); // ECONNREFUSED
            Assert.False(connector.IsPending(0));
        }

        // Each connect got its own connection, each one reset: the listener saw 3 (no stale error carried over).
        var accepted = 0;
        while (live.Pending())
        {
            using var client = live.AcceptSocket();
            accepted++;
        }

        Assert.Equal(3, accepted);
    }

    [Fact]
    public async Task A_pending_connect_finishes_through_epoll_and_its_socket_is_reused_for_the_next_pending_one()
    {
        // A full accept queue drops SYNs: the connect stays pending until the queue has room and the SYN is resent (1 s).
        using var hanging = await HangingListener.StartAsync();
        var address = EpollTcpConnector.SocketAddress(hanging.Endpoint);
        using var connector = new EpollTcpConnector();
        connector.EnsureCapacity(2);
        var finished = new List<(int Token, int Error)>();

        Assert.Null(connector.Start(1, address));
        Assert.True(connector.IsPending(1));
        hanging.AcceptOne();
        WaitFor(connector, finished);
        Assert.Equal([(1, 0)], finished);
        Assert.False(connector.IsPending(1));

        // The same socket (from the pool) waits in epoll again, under another token.
        finished.Clear();
        Assert.Null(connector.Start(0, address));
        hanging.AcceptOne();
        WaitFor(connector, finished);
        Assert.Equal([(0, 0)], finished);

        // An aborted connect reports nothing.
        finished.Clear();
        Assert.Null(connector.Start(0, address));
        connector.Abort(0);
        connector.Wait(200, finished);
        Assert.Empty(finished);
    }

    private static void WaitFor(EpollTcpConnector connector, List<(int Token, int Error)> finished)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (finished.Count == 0 && DateTime.UtcNow < deadline)
        {
            connector.Wait(100, finished);
        }
    }
}
