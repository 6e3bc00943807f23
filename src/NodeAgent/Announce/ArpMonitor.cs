using System.Buffers.Binary;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Interop;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>
/// The ARP packets other hosts send on this node's links (an AF_PACKET datagram socket for ETH_P_ARP, this node's own
/// outgoing frames skipped), for <see cref="ForeignClaimRule"/>. Waits on the runtime's epoll loop (no thread of its
/// own), like the link monitor.
/// </summary>
public sealed class ArpMonitor : IDisposable
{
    private const ushort EtherTypeArp = 0x0806;
    private const int PacketOutgoing = 4; // sockaddr_ll.sll_pkttype PACKET_OUTGOING

    private readonly SafeSocketHandle _handle;
    private readonly Socket _readiness;
    private readonly byte[] _buffer = new byte[256];
    private readonly byte[] _name = new byte[32];

    private ArpMonitor(SafeSocketHandle handle)
    {
        _handle = handle;
        _readiness = new Socket(handle);
    }

    public static ArpMonitor Open() =>
        new(LinuxSocket.Open(AF_PACKET, SOCK_DGRAM, BinaryPrimitives.ReverseEndianness(EtherTypeArp)));

    /// <summary>Calls <paramref name="seen"/> with the interface index and sender of every ARP packet received (from a pool thread) until cancelled.</summary>
    public async Task RunAsync(Action<int, ArpSender> seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!MessageHeaders.TryReceive(_handle, _buffer, _name, [], MSG_DONTWAIT, out var received))
            {
                try
                {
                    await _readiness.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            // sockaddr_ll: family(2) protocol(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
            if (received.NameLength >= 12 && _name[10] != PacketOutgoing && ArpSender.TryRead(_buffer.AsSpan(0, received.Length), out var sender))
            {
                seen(BitConverter.ToInt32(_name, 4), sender);
            }
        }
    }

    public void Dispose() => _readiness.Dispose();
}
