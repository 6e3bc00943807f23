using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// Non-blocking TCP connects on one epoll set, reaped by the one thread that waits on it: keepalived's TCP_CHECK
/// machinery. A connect is identified by a token (the check's index); the caller enforces the connect timeout by
/// calling <see cref="Abort"/>. <see cref="Wake"/> (an eventfd in the same set) lets other threads interrupt
/// <see cref="Wait"/>. Compared with .NET sockets, a check costs no thread-pool hop and no wake-up of its own: with
/// thousands of checks a second those context switches cost more CPU than the connects themselves.
/// <para>
/// Almost all of a check's cost is the kernel's, so sockets are reused rather than opened and closed per check: a
/// finished connect is undone with connect(AF_UNSPEC), which resets the connection (a RST, as HAProxy closes its check
/// connections: no FIN exchange, no TIME_WAIT left behind) and leaves the socket ready to connect again. That saves a
/// socket's allocation, its file and its teardown on every check (a quarter of the kernel time on loopback).
/// Sockets wait in epoll one-shot, so an idle socket in the pool never reports anything.
/// </para>
/// </summary>
internal sealed unsafe class EpollTcpConnector : IDisposable
{
    private const ulong WakeToken = ulong.MaxValue;
    /// <summary>Finished connects one <see cref="Wait"/> reports at most.</summary>
    public const int MaxEvents = 256;

    private readonly int epoll;
    private readonly int wakeFd;
    private readonly Stack<int> idleIPv4 = new();
    private readonly Stack<int> idleIPv6 = new();
    private readonly HashSet<int> inEpoll = [];
    private int[] sockets = [];
    private bool[] pendingIPv4 = [];
    private bool disposed;

    public EpollTcpConnector()
    {
        epoll = epoll_create1(EPOLL_CLOEXEC);
        if (epoll < 0)
        {
            throw new LinuxErrorException("epoll_create1", errno);
        }

        wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (wakeFd < 0)
        {
            var error = errno;
            close(epoll);
            throw new LinuxErrorException("eventfd", error);
        }

        var registration = new epoll_event { events = EPOLLIN };
        registration.data.u64 = WakeToken;
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFd, &registration) != 0)
        {
            var error = errno;
            close(wakeFd);
            close(epoll);
            throw new LinuxErrorException("epoll_ctl(ADD)", error);
        }
    }

    /// <summary>The kernel's sockaddr for <paramref name="endpoint"/>: build it once per target, pass it to <see cref="Start"/>.</summary>
    public static byte[] SocketAddress(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.AddressFamily == AddressFamily.InterNetwork
            ? LinuxSocket.SockaddrIn(endpoint.Address)
            : LinuxSocket.SockaddrIn6(endpoint.Address, (int)endpoint.Address.ScopeId);
        BinaryPrimitives.WriteUInt16BigEndian(address.AsSpan(2), (ushort)endpoint.Port);
        return address;
    }

    /// <summary>Makes tokens 0 .. tokens-1 usable.</summary>
    public void EnsureCapacity(int tokens)
    {
        if (tokens > sockets.Length)
        {
            var old = sockets.Length;
            Array.Resize(ref sockets, Math.Max(tokens, old * 2));
            Array.Resize(ref pendingIPv4, sockets.Length);
            Array.Fill(sockets, -1, old, sockets.Length - old);
        }
    }

    public bool IsPending(int token) => sockets[token] >= 0;

    /// <summary>
    /// Starts connecting to <paramref name="address"/> (from <see cref="SocketAddress"/>). Returns null while the
    /// connect is pending (it finishes in <see cref="Wait"/>), or, when it finished at once, 0 for connected or the
    /// errno of the failure.
    /// </summary>
    public int? Start(int token, byte[] address)
    {
        var ipv4 = address.Length == LinuxSocket.SizeOfSockaddrIn;
        var idle = ipv4 ? idleIPv4 : idleIPv6;
        if (!idle.TryPop(out var fd))
        {
            fd = socket(ipv4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
            if (fd < 0)
            {
                return errno;
            }
        }

        var error = Connect(fd, address);
        if (error == EINPROGRESS)
        {
            // A server on this host (loopback, a local pod's veth) has usually answered before connect() returns:
            // asking again costs one call instead of an epoll registration and a wake-up.
            error = Connect(fd, address);
            error = error == EISCONN ? 0 : error;
        }

        if (error != EINPROGRESS && error != EALREADY)
        {
            Recycle(fd, idle);
            return error;
        }

        sockets[token] = fd;
        pendingIPv4[token] = ipv4;
        var registration = new epoll_event { events = EPOLLOUT | EPOLLONESHOT };
        registration.data.u64 = (ulong)token;
        if (epoll_ctl(epoll, inEpoll.Add(fd) ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &registration) != 0)
        {
            throw new LinuxErrorException("epoll_ctl", errno);
        }

        return null;
    }

    /// <summary>Gives up a pending connect (its timeout expired): the socket is closed, nothing is reported.</summary>
    public void Abort(int token)
    {
        // Closed rather than reused: its one-shot registration is still armed and would fire for the next connect.
        var fd = sockets[token];
        inEpoll.Remove(fd);
        close(fd);
        sockets[token] = -1;
    }

    /// <summary>
    /// Sleeps until connects finish, <see cref="Wake"/> is called or <paramref name="timeoutMilliseconds"/> pass
    /// (-1: no limit), and appends each finished connect as (token, 0 or errno).
    /// </summary>
    public void Wait(int timeoutMilliseconds, List<(int Token, int Error)> finished)
    {
        var events = stackalloc epoll_event[MaxEvents];
        var count = epoll_wait(epoll, events, MaxEvents, timeoutMilliseconds);
        if (count < 0)
        {
            var error = errno;
            if (error == EINTR)
            {
                return;
            }

            throw new LinuxErrorException("epoll_wait", error);
        }

        for (var i = 0; i < count; i++)
        {
            var token = events[i].data.u64;
            if (token == WakeToken)
            {
                ulong value;
                _ = read(wakeFd, &value, sizeof(ulong));
                continue;
            }

            var fd = sockets[(int)token];
            int socketError = 0;
            socklen_t length = (uint)sizeof(int);
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length) != 0)
            {
                socketError = errno;
            }

            sockets[(int)token] = -1;
            Recycle(fd, pendingIPv4[(int)token] ? idleIPv4 : idleIPv6);
            finished.Add(((int)token, socketError));
        }
    }

    /// <summary>Interrupts <see cref="Wait"/>; safe from any thread.</summary>
    public void Wake()
    {
        ulong one = 1;
        _ = write(wakeFd, &one, sizeof(ulong));
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var fd in sockets.Where(fd => fd >= 0).Concat(idleIPv4).Concat(idleIPv6))
        {
            close(fd);
        }

        close(wakeFd);
        close(epoll);
    }

    /// <summary>connect(): 0 or the errno.</summary>
    private static int Connect(int fd, byte[] address)
    {
        fixed (byte* p = address)
        {
            return connect(fd, (sockaddr*)p, (uint)address.Length) == 0 ? 0 : errno;
        }
    }

    /// <summary>Resets the socket's connection (RST when connected) and keeps it for the next connect.</summary>
    private void Recycle(int fd, Stack<int> idle)
    {
        var unspecified = new sockaddr { sa_family = AF_UNSPEC };
        if (connect(fd, &unspecified, (uint)sizeof(sockaddr)) == 0)
        {
            idle.Push(fd);
        }
        else
        {
            inEpoll.Remove(fd);
            close(fd);
        }
    }
}
