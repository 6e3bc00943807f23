using System.Net;
using System.Runtime.InteropServices;

namespace KeepOperator.NodeAgent.Vrrp.Transport;

/// <summary>
/// Sends and receives VRRP (IP protocol 112) messages on one interface for one address family. One transport per
/// (interface, family) is shared by every VRRP instance there; the caller demultiplexes by VRID.
/// </summary>
public interface IVrrpTransport : IDisposable
{
    /// <summary>
    /// The address the kernel puts in the IP source of what <see cref="Send"/> sends: for IPv4 the interface's
    /// primary address given at open, for IPv6 the interface's link-local address (scope id = interface index).
    /// The VRRPv3 checksum's pseudo-header uses it.
    /// </summary>
    IPAddress SourceAddress { get; }

    /// <summary>Multicasts one VRRP message (no IP header) to 224.0.0.18 / ff02::12 with TTL / hop limit 255.</summary>
    void Send(ReadOnlySpan<byte> vrrpMessage);

    /// <summary>
    /// Sends one VRRP message (no IP header) to the unicast <paramref name="peer"/> with TTL / hop limit 255, from
    /// <paramref name="source"/> (an address of this interface, not necessarily <see cref="SourceAddress"/>).
    /// </summary>
    void SendUnicast(ReadOnlySpan<byte> vrrpMessage, IPAddress peer, IPAddress source);

    /// <summary>
    /// A descriptor that polls readable (epoll, poll) while <see cref="TryReceive"/> has a datagram to give: the agent's
    /// loop waits on it together with its timers.
    /// </summary>
    SafeHandle ReadinessHandle { get; }

    /// <summary>
    /// Takes the next queued VRRP datagram without waiting, its VRRP message (IP header stripped) copied to the start of
    /// <paramref name="buffer"/> (truncated to the buffer's size: give at least 1500 bytes); false when none is queued.
    /// </summary>
    bool TryReceive(Span<byte> buffer, out VrrpDatagram datagram);
}

/// <summary>
/// One received VRRP datagram: <paramref name="Length"/> bytes of VRRP message at the start of the caller's buffer,
/// and what the IP layer said about it (the TTL / hop limit must be 255 for VRRP to accept it), with the kernel's
/// arrival time when the socket gives it.
/// </summary>
public readonly record struct VrrpDatagram(int Length, IPAddress Source, IPAddress Destination, int TtlOrHopLimit, int InterfaceIndex, DateTimeOffset? ArrivedAt = null);
