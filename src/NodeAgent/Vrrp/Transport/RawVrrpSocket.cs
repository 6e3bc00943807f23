using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using KeepOperator.NodeAgent.Interop;
using KeepOperator.NodeAgent.Netlink;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Vrrp.Transport;

/// <summary>
/// <see cref="IVrrpTransport"/> over a raw IP socket for protocol 112, opened with libc (the .NET Socket
/// constructor refuses protocol 112) and bound to one interface with SO_BINDTODEVICE. The agent's loop waits for the
/// receiving descriptor itself (epoll) and reads with recvmsg(MSG_DONTWAIT), which gives the TTL / hop limit, the
/// destination and the kernel's arrival time. Unicast advertisements go from the send socket with their source pinned per message (IP_PKTINFO /
/// IPV6_PKTINFO), so instances with different unicast sources share it. The socket lives in the network namespace of
/// the thread that called <see cref="Open"/>.
/// </summary>
public sealed class RawVrrpSocket : IVrrpTransport
{
    private const int Ipv6MulticastAll = 29; // IPV6_MULTICAST_ALL, Linux 4.20+
    private const byte InternetControlTos = 0xc0; // IPTOS_PREC_INTERNETCONTROL, as keepalived marks VRRP

    private readonly SafeSocketHandle _handle;
    private readonly SafeSocketHandle _sendHandle;
    private readonly byte[] _destination;
    private readonly byte[] _receiveBuffer = GC.AllocateUninitializedArray<byte>(65536, pinned: true);

    private RawVrrpSocket(SafeSocketHandle handle, SafeSocketHandle sendHandle, NetworkLink link, AddressFamily family, IPAddress source, byte[] destination)
    {
        _handle = handle;
        _sendHandle = sendHandle;
        Link = link;
        Family = family;
        SourceAddress = source;
        _destination = destination;
    }

    public NetworkLink Link { get; }

    public AddressFamily Family { get; }

    public IPAddress SourceAddress { get; }

    /// <summary>
    /// Opens the VRRP socket of <paramref name="link"/> for <paramref name="family"/>.
    /// IPv4: <paramref name="source"/> is the interface's primary address; it is pinned as the multicast source with
    /// IP_MULTICAST_IF (ip_mreqn) rather than bind(), because a raw IPv4 socket bound to a unicast address is no
    /// longer handed datagrams sent to 224.0.0.18. IPv6: <paramref name="source"/> is the link-local address, which
    /// the send socket binds (scope id = link index); it must not be tentative (DAD still running) or bind fails with
    /// EADDRNOTAVAIL. The receiving socket stays unbound: bound, it would miss unicast advertisements to a global address.
    /// Sending uses a second socket that joins no group, as keepalived does: the receiving one is watched by the agent's
    /// epoll, and a send on it could wake the loop when the send buffer frees.
    /// </summary>
    public static RawVrrpSocket Open(NetworkLink link, AddressFamily family, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(source);
        if (source.AddressFamily != family)
        {
            throw new ArgumentException($"Source {source} is not of family {family}.", nameof(source));
        }
        if (family == AddressFamily.InterNetworkV6 && !source.IsIPv6LinkLocal)
        {
            throw new ArgumentException($"The IPv6 VRRP source must be the link-local address, not {source}.", nameof(source));
        }

        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentOutOfRangeException(nameof(family), family, "IPv4 or IPv6 only.");
        }
        var receiver = Configure(link, family, ref source, receive: true, out byte[] destination);
        try
        {
            var sender = Configure(link, family, ref source, receive: false, out _);
            return new RawVrrpSocket(receiver, sender, link, family, source, destination);
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
    }

    /// <summary>One raw socket with the VRRP options; only the receiving one joins the group and asks for ancillary data.</summary>
    private static SafeSocketHandle Configure(NetworkLink link, AddressFamily family, ref IPAddress source, bool receive, out byte[] destination)
    {
        var handle = LinuxSocket.Open(family == AddressFamily.InterNetwork ? AF_INET : AF_INET6, SOCK_RAW, VrrpProtocol.IpProtocolNumber);
        try
        {
            byte[] device = Encoding.ASCII.GetBytes(link.Name + "\0");
            LinuxSocket.SetOption(handle, SOL_SOCKET, SO_BINDTODEVICE, device, "SO_BINDTODEVICE");
            if (receive)
            {
                // The kernel's arrival time: the Master_Down_Timer restarts from it, not from when a busy host got to the packet.
                LinuxSocket.SetOption(handle, SOL_SOCKET, SCM_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
            }
            if (family == AddressFamily.InterNetwork)
            {
                LinuxSocket.SetOption(handle, IPPROTO_IP, IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
                LinuxSocket.SetOption(handle, IPPROTO_IP, IP_TTL, 255, "IP_TTL");
                LinuxSocket.SetOption(handle, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
                LinuxSocket.SetOption(handle, IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
                LinuxSocket.SetOption(handle, IPPROTO_IP, IP_TOS, InternetControlTos, "IP_TOS");
                if (receive)
                {
                    LinuxSocket.SetOption(handle, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
                    LinuxSocket.SetOption(handle, IPPROTO_IP, IP_ADD_MEMBERSHIP, IpMreqn(VrrpProtocol.MulticastGroupV4, IPAddress.Any, link.Index), "IP_ADD_MEMBERSHIP");
                }
                LinuxSocket.SetOption(handle, IPPROTO_IP, IP_MULTICAST_IF, IpMreqn(IPAddress.Any, source, link.Index), "IP_MULTICAST_IF");
                destination = LinuxSocket.SockaddrIn(VrrpProtocol.MulticastGroupV4);
            }
            else
            {
                source = new IPAddress(source.GetAddressBytes(), link.Index);
                LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
                LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
                LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_TCLASS, InternetControlTos, "IPV6_TCLASS");
                TrySetOption(handle, IPPROTO_IPV6, Ipv6MulticastAll, 0);
                if (receive)
                {
                    LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
                    LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
                    LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_JOIN_GROUP, Ipv6Mreq(VrrpProtocol.MulticastGroupV6, link.Index), "IPV6_JOIN_GROUP");
                }
                LinuxSocket.SetOption(handle, IPPROTO_IPV6, IPV6_MULTICAST_IF, link.Index, "IPV6_MULTICAST_IF");
                if (!receive)
                {
                    LinuxSocket.Bind(handle, LinuxSocket.SockaddrIn6(source, link.Index), $"{source}");
                }
                destination = LinuxSocket.SockaddrIn6(VrrpProtocol.MulticastGroupV6, link.Index);
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Send(ReadOnlySpan<byte> vrrpMessage) =>
        LinuxSocket.SendTo(_sendHandle, vrrpMessage, _destination, $"VRRP on {Link.Name}");

    public void SendUnicast(ReadOnlySpan<byte> vrrpMessage, IPAddress peer, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(source);
        if (peer.AddressFamily != Family || source.AddressFamily != Family)
        {
            throw new ArgumentException($"Peer {peer} and source {source} must be {Family} on this socket.", nameof(peer));
        }

        Span<byte> info = stackalloc byte[20];
        info.Clear();
        Span<byte> control = stackalloc byte[MessageHeaders.ControlSpace(info.Length)];
        byte[] name;
        int used;
        if (Family == AddressFamily.InterNetwork)
        {
            // struct in_pktinfo: ifindex, ipi_spec_dst (the source a raw socket sends from), ipi_addr
            BinaryPrimitives.WriteInt32LittleEndian(info, Link.Index);
            source.TryWriteBytes(info[4..8], out _);
            used = MessageHeaders.WriteControl(control, IPPROTO_IP, IP_PKTINFO, info[..12]);
            name = LinuxSocket.SockaddrIn(peer);
        }
        else
        {
            // struct in6_pktinfo: the source address, ifindex
            source.TryWriteBytes(info[..16], out _);
            BinaryPrimitives.WriteInt32LittleEndian(info[16..], Link.Index);
            used = MessageHeaders.WriteControl(control, IPPROTO_IPV6, IPV6_PKTINFO, info);
            name = LinuxSocket.SockaddrIn6(peer, peer.IsIPv6LinkLocal ? Link.Index : 0);
        }
        MessageHeaders.Send(_sendHandle, vrrpMessage, name, control[..used], $"VRRP to {peer} on {Link.Name}");
    }

    public SafeHandle ReadinessHandle => _handle;

    public void Dispose()
    {
        _handle.Dispose();
        _sendHandle.Dispose();
    }

    public override string ToString() => $"VRRP {Family} socket on {Link.Name} ({Link.Index}) from {SourceAddress}";

    /// <summary>Reads queued datagrams until one is a usable VRRP datagram; false when the queue is empty.</summary>
    public bool TryReceive(Span<byte> buffer, out VrrpDatagram datagram)
    {
        Span<byte> name = stackalloc byte[LinuxSocket.SizeOfSockaddrIn6];
        Span<byte> control = stackalloc byte[MessageHeaders.ControlSpace(20) + MessageHeaders.ControlSpace(4) + MessageHeaders.ControlSpace(16) + 64];
        while (true)
        {
            if (_handle.IsClosed || !MessageHeaders.TryReceive(_handle, _receiveBuffer, name, control, MSG_DONTWAIT, out var received))
            {
                datagram = default;
                return false;
            }
            if ((received.Flags & MSG_TRUNC) != 0)
            {
                continue;
            }
            var data = _receiveBuffer.AsSpan(0, received.Length);
            int interfaceIndex = Link.Index;
            int hopLimit = -1;
            IPAddress? destination = null;
            DateTimeOffset? arrived = null;
            var cmsg = new MessageHeaders.ControlMessageReader(control[..received.ControlLength]);
            while (cmsg.MoveNext())
            {
                if (cmsg.Level == IPPROTO_IP && cmsg.Type == IP_PKTINFO && cmsg.Data.Length >= 12)
                {
                    interfaceIndex = BinaryPrimitives.ReadInt32LittleEndian(cmsg.Data);
                }
                else if (cmsg.Level == IPPROTO_IPV6 && cmsg.Type == IPV6_PKTINFO && cmsg.Data.Length >= 20)
                {
                    destination = new IPAddress(cmsg.Data[..16]);
                    interfaceIndex = BinaryPrimitives.ReadInt32LittleEndian(cmsg.Data[16..]);
                }
                else if (cmsg.Level == IPPROTO_IPV6 && cmsg.Type == IPV6_HOPLIMIT && cmsg.Data.Length >= 4)
                {
                    hopLimit = BinaryPrimitives.ReadInt32LittleEndian(cmsg.Data);
                }
                else if (cmsg.Level == SOL_SOCKET && cmsg.Type == SCM_TIMESTAMPNS && cmsg.Data.Length >= 16)
                {
                    arrived = DateTimeOffset.UnixEpoch.AddTicks(
                        (BinaryPrimitives.ReadInt64LittleEndian(cmsg.Data) * TimeSpan.TicksPerSecond) + (BinaryPrimitives.ReadInt64LittleEndian(cmsg.Data[8..]) / 100));
                }
            }

            IPAddress? source;
            ReadOnlySpan<byte> message;
            if (Family == AddressFamily.InterNetwork)
            {
                if (!Ipv4Header.TryParse(data, out var header, out message))
                {
                    continue;
                }
                source = header.Source;
                destination = header.Destination;
                hopLimit = header.Ttl;
            }
            else
            {
                message = data;
                source = LinuxSocket.ParseInetAddress(name[..Math.Min(received.NameLength, name.Length)]);
                if (destination is not null && (destination.IsIPv6LinkLocal || destination.IsIPv6Multicast))
                {
                    destination.ScopeId = interfaceIndex;
                }
            }
            if (source is null || destination is null)
            {
                continue;
            }
            int length = Math.Min(message.Length, buffer.Length);
            message[..length].CopyTo(buffer);
            datagram = new VrrpDatagram(length, source, destination, hopLimit, interfaceIndex, arrived);
            return true;
        }
    }

    private static byte[] IpMreqn(IPAddress group, IPAddress address, int ifindex)
    {
        var bytes = new byte[12];
        group.TryWriteBytes(bytes.AsSpan(0, 4), out _);
        address.TryWriteBytes(bytes.AsSpan(4, 4), out _);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), ifindex);
        return bytes;
    }

    private static byte[] Ipv6Mreq(IPAddress group, int ifindex)
    {
        var bytes = new byte[20];
        group.TryWriteBytes(bytes.AsSpan(0, 16), out _);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), ifindex);
        return bytes;
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
