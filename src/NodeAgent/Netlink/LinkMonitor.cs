using System.Net.Sockets;
using KeepOperator.NodeAgent.Interop;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// Link notifications from the kernel (an rtnetlink socket joined to RTMGRP_LINK), as keepalived gets them: an
/// interface going down or losing carrier is known the moment the kernel knows it, with no polling. Waits on the
/// runtime's epoll loop (no thread of its own). If the kernel dropped notifications (ENOBUFS, the socket's queue
/// overran), every link is listed again so nothing is missed.
/// </summary>
public sealed class LinkMonitor : IDisposable
{
    private readonly SafeSocketHandle _handle;
    private readonly Socket _readiness;
    private readonly INetworkLinks _links;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private LinkMonitor(SafeSocketHandle handle, INetworkLinks links)
    {
        _handle = handle;
        _readiness = new Socket(handle);
        _links = links;
    }

    /// <summary>Joins the link group; <paramref name="links"/> answers the full listing after an overrun.</summary>
    public static LinkMonitor Open(INetworkLinks links)
    {
        var handle = LinuxSocket.Open(AF_NETLINK, SOCK_RAW, NetlinkConstants.NetlinkRoute);
        try
        {
            LinuxSocket.SetOption(handle, SOL_SOCKET, SO_RCVBUF, 1024 * 1024, "SO_RCVBUF");
            LinuxSocket.Bind(handle, LinuxSocket.SockaddrNl(0, RtnetlinkConstants.RtmgrpLink), "netlink link group");
            return new LinkMonitor(handle, links);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Calls <paramref name="changed"/> with every link notification (from a pool thread) until cancelled.</summary>
    public async Task RunAsync(Action<NetworkLink> changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var messages = new List<NetlinkMessage>();
        while (!cancellationToken.IsCancellationRequested)
        {
            int length = TryReceive(out bool overrun);
            if (overrun)
            {
                foreach (var link in _links.List())
                {
                    changed(link);
                }

                continue;
            }

            if (length < 0)
            {
                try
                {
                    // Completes once a notification is queued, without consuming it.
                    await _readiness.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            messages.Clear();
            NetlinkMessage.TryParseAll(_buffer.AsSpan(0, length), messages);
            foreach (var message in messages)
            {
                if (RtnetlinkLinkCodec.TryParseChange(message, out var link))
                {
                    changed(link);
                }
            }
        }
    }

    public void Dispose() => _readiness.Dispose();

    /// <summary>One datagram without blocking: its length, or -1 when none is queued.</summary>
    private unsafe int TryReceive(out bool overrun)
    {
        overrun = false;
        using var lease = new LinuxSocket.FdLease(_handle);
        while (true)
        {
            fixed (byte* buffer = _buffer)
            {
                long received = recv(lease.Fd, buffer, _buffer.Length, MSG_DONTWAIT);
                if (received >= 0)
                {
                    return (int)received;
                }
            }

            int error = errno;
            if (error == EINTR)
            {
                continue;
            }

            overrun = error == ENOBUFS;
            return overrun || error == EAGAIN ? -1 : throw new LinuxErrorException("recv(netlink link group)", error);
        }
    }
}
