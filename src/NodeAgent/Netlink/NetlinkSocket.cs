using System.Buffers.Binary;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Interop;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// A request/reply netlink socket (AF_NETLINK, SOCK_RAW) bound to a kernel-chosen port id, with extended acks on.
/// It lives in the network namespace of the thread that opened it. <see cref="Request"/> is thread-safe
/// (requests are serialised); replies are matched by sequence number and stale ones are skipped.
/// </summary>
public sealed unsafe class NetlinkSocket : IDisposable
{
    /// <summary>
    /// Requests per datagram in <see cref="RequestAcked"/>: each ack waits in our receive buffer (1 MiB) until read,
    /// taking about a kilobyte there, so a batch must stay well under a thousand or acks are dropped (ENOBUFS).
    /// </summary>
    public const int BatchSize = 128;

    private readonly SafeSocketHandle _handle;
    private readonly Lock _gate = new();
    private readonly int _protocol;
    private byte[] _receiveBuffer = new byte[32 * 1024];
    private uint _sequence;

    private NetlinkSocket(SafeSocketHandle handle, int protocol, uint portId)
    {
        _handle = handle;
        _protocol = protocol;
        PortId = portId;
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel assigned (nl_pid of this socket).</summary>
    public uint PortId { get; }

    /// <summary>
    /// Opens a netlink socket for <paramref name="protocol"/> (<see cref="NetlinkConstants.NetlinkRoute"/>,
    /// <see cref="NetlinkConstants.NetlinkGeneric"/>). A reply that does not come within
    /// <paramref name="replyTimeout"/> (default 5 s) makes <see cref="Request"/> throw <see cref="TimeoutException"/>.
    /// </summary>
    public static NetlinkSocket Open(int protocol, TimeSpan? replyTimeout = null)
    {
        var handle = LinuxSocket.Open(AF_NETLINK, SOCK_RAW, protocol);
        try
        {
            TimeSpan timeout = replyTimeout ?? TimeSpan.FromSeconds(5);
            Span<long> timeval = [(long)timeout.TotalSeconds, timeout.Microseconds + (timeout.Milliseconds * 1000L)];
            LinuxSocket.SetOption(handle, SOL_SOCKET, SO_RCVTIMEO, System.Runtime.InteropServices.MemoryMarshal.AsBytes(timeval), "SO_RCVTIMEO");
            LinuxSocket.SetOption(handle, SOL_SOCKET, SO_RCVBUF, 1024 * 1024, "SO_RCVBUF");
            // Best effort: older kernels lack these; errors then still arrive, just without text / with the echoed request.
            TrySetOption(handle, SOL_NETLINK, LinuxSocket.NetlinkExtAck, 1);
            TrySetOption(handle, SOL_NETLINK, LinuxSocket.NetlinkCapAck, 1);
            LinuxSocket.Bind(handle, LinuxSocket.SockaddrNl(0, 0), "netlink");
            byte[] name = LinuxSocket.GetSocketName(handle);
            uint portId = BinaryPrimitives.ReadUInt32LittleEndian(name.AsSpan(4));
            return new NetlinkSocket(handle, protocol, portId);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>A fresh sequence number to build the next request with.</summary>
    public uint NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>
    /// Sends one request (built with <see cref="NetlinkMessageWriter"/>; its nlmsg_seq identifies the replies) and
    /// collects the replies: a dump (NLM_F_DUMP) until NLMSG_DONE; a request with NLM_F_ACK until its ack;
    /// otherwise the first complete reply. An NLMSG_ERROR with a negative errno throws <see cref="NetlinkException"/>.
    /// Acks and NLMSG_DONE are not returned.
    /// </summary>
    public IReadOnlyList<NetlinkMessage> Request(ReadOnlySpan<byte> message)
    {
        if (message.Length < NetlinkMessageWriter.HeaderLength)
        {
            throw new ArgumentException("Not a netlink message.", nameof(message));
        }
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(message[4..]);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(message[6..]);
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(message[8..]);
        bool dump = (flags & NetlinkConstants.NlmFDump) == NetlinkConstants.NlmFDump && IsGetRequest(_protocol, type);
        bool wantAck = (flags & NetlinkConstants.NlmFAck) != 0;

        lock (_gate)
        {
            LinuxSocket.SendTo(_handle, message, LinuxSocket.SockaddrNl(0, 0), "netlink");
            var replies = new List<NetlinkMessage>();
            var batch = new List<NetlinkMessage>();
            while (true)
            {
                batch.Clear();
                int length = ReceiveDatagram();
                NetlinkMessage.TryParseAll(_receiveBuffer.AsSpan(0, length), batch);
                foreach (var reply in batch)
                {
                    if (reply.Sequence != sequence)
                    {
                        continue; // a late reply to an earlier, abandoned request
                    }
                    switch (reply.Type)
                    {
                        case NetlinkConstants.NlmsgNoop:
                            continue;
                        case NetlinkConstants.NlmsgError:
                            int error = reply.Payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(reply.Payload) : 0;
                            if (error < 0)
                            {
                                throw new NetlinkException(type, -error, NetlinkExtendedAck.Message(reply));
                            }
                            return replies; // the ack
                        case NetlinkConstants.NlmsgDone:
                            int status = reply.Payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(reply.Payload) : 0;
                            if (status < 0)
                            {
                                throw new NetlinkException(type, -status, null);
                            }
                            if (!wantAck || dump)
                            {
                                return replies;
                            }
                            continue;
                        default:
                            replies.Add(reply);
                            if (!dump && !wantAck && (reply.Flags & NetlinkConstants.NlmFMulti) == 0)
                            {
                                return replies;
                            }
                            continue;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Sends requests that the kernel answers with an ack only (NLM_F_ACK, no dumps), up to <see cref="BatchSize"/>
    /// in one datagram, and waits for every ack of a datagram before the next: one round trip per batch instead of
    /// per request. The kernel handles a datagram's requests in order and goes on after a failed one, so after an
    /// error the rest of that batch may have taken effect; no further batch is sent, and the first error throws
    /// <see cref="NetlinkException"/>.
    /// </summary>
    public void RequestAcked(IReadOnlyList<byte[]> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var pending = new Dictionary<uint, ushort>(); // sequence -> request type, until acked
        var replies = new List<NetlinkMessage>();
        lock (_gate)
        {
            for (int start = 0; start < messages.Count; start += BatchSize)
            {
                var batch = messages.Skip(start).Take(BatchSize).ToArray();
                var datagram = new byte[batch.Sum(m => NetlinkMessageWriter.Align(m.Length))];
                int offset = 0;
                foreach (var message in batch)
                {
                    if (message.Length < NetlinkMessageWriter.HeaderLength
                        || (BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(6)) & NetlinkConstants.NlmFAck) == 0)
                    {
                        throw new ArgumentException("Every message must be a netlink request with NLM_F_ACK.", nameof(messages));
                    }
                    pending[BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(8))] = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(4));
                    message.CopyTo(datagram, offset);
                    offset += NetlinkMessageWriter.Align(message.Length);
                }

                LinuxSocket.SendTo(_handle, datagram, LinuxSocket.SockaddrNl(0, 0), "netlink");
                NetlinkException? failed = null;
                while (pending.Count > 0)
                {
                    replies.Clear();
                    NetlinkMessage.TryParseAll(_receiveBuffer.AsSpan(0, ReceiveDatagram()), replies);
                    foreach (var reply in replies)
                    {
                        if (reply.Type != NetlinkConstants.NlmsgError || !pending.Remove(reply.Sequence, out ushort type))
                        {
                            continue; // not an ack of ours: a late reply to an earlier, abandoned request
                        }
                        int error = reply.Payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(reply.Payload) : 0;
                        if (error < 0)
                        {
                            failed ??= new NetlinkException(type, -error, NetlinkExtendedAck.Message(reply));
                        }
                    }
                }
                if (failed is not null)
                {
                    throw failed;
                }
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    public override string ToString() => $"netlink(protocol {_protocol}, port {PortId})";

    // NLM_F_DUMP shares its bits with NLM_F_REPLACE|NLM_F_EXCL, which only mean "dump" on a GET request.
    // In rtnetlink every GET type is 2 mod 4 (RTM_GETLINK 18, RTM_GETADDR 22, ...); other protocols put the
    // command elsewhere (genlmsghdr), so there a DUMP-flagged request is taken as a dump.
    private static bool IsGetRequest(int protocol, ushort type) =>
        protocol != NetlinkConstants.NetlinkRoute || type % 4 == 2;

    private int ReceiveDatagram()
    {
        using var lease = new LinuxSocket.FdLease(_handle);
        while (true)
        {
            // Learn the size first so a large dump datagram is never truncated.
            long size = recv(lease.Fd, null, 0, MSG_PEEK | MSG_TRUNC);
            if (size >= 0)
            {
                if (size > _receiveBuffer.Length)
                {
                    _receiveBuffer = new byte[Math.Max(size, _receiveBuffer.Length * 2)];
                }
                fixed (byte* buffer = _receiveBuffer)
                {
                    long received = recv(lease.Fd, buffer, _receiveBuffer.Length, 0);
                    if (received >= 0)
                    {
                        return (int)received;
                    }
                }
            }
            int error = errno;
            if (error == EINTR)
            {
                continue;
            }
            if (error == EAGAIN || error == EWOULDBLOCK)
            {
                throw new TimeoutException($"No netlink reply on {this} in time.");
            }
            throw new LinuxErrorException("recv(netlink)", error);
        }
    }

    private static void TrySetOption(SafeSocketHandle handle, int level, int name, int value)
    {
        try
        {
            LinuxSocket.SetOption(handle, level, name, value, $"{level}/{name}");
        }
        catch (LinuxErrorException)
        {
        }
    }
}
