using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Interop;
using KeepOperator.NodeAgent.Vrrp;
using Tmds.Linux;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A foreign router on the lab's segment: a raw IPv4 socket for protocol 112 (libc's, wrapped in a .NET Socket) in one lab namespace, sending VRRP
/// messages (built here, then broken on purpose) to 224.0.0.18 out of that namespace's eth0, with the TTL asked for.
/// </summary>
public sealed class ForeignVrrpSender : IDisposable
{
    private readonly Socket _socket;

    public ForeignVrrpSender(LabNode from)
    {
        Source = IPAddress.Parse(from.IPv4);
        // Opened with libc as the agent opens its own: the .NET Socket constructor refuses protocol 112.
        _socket = Native.InNamespace(from.Namespace, () => new Socket(LinuxSocket.Open(LibC.AF_INET, LibC.SOCK_RAW, VrrpProtocol.IpProtocolNumber)));
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, Source.GetAddressBytes());
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
    }

    public IPAddress Source { get; }

    /// <summary>A well-formed VRRPv3 advert from <see cref="Source"/> to 224.0.0.18 (the checksum computed as RFC 5798 says).</summary>
    public byte[] Advert(byte vrid, byte priority, TimeSpan interval, params IPAddress[] addresses)
    {
        var buffer = new byte[VrrpProtocol.HeaderLength + (4 * addresses.Length)];
        int length = VrrpPacketCodec.Encode(VrrpVersion.V3, vrid, priority, interval, addresses, null, Source, VrrpProtocol.MulticastGroupV4, buffer);
        return buffer[..length];
    }

    /// <summary>Recomputes the checksum after a change, so that only the change itself is wrong.</summary>
    public byte[] Resum(byte[] message)
    {
        message[6] = 0;
        message[7] = 0;
        var version = (VrrpVersion)(message[0] >> 4) is VrrpVersion.V2 ? VrrpVersion.V2 : VrrpVersion.V3;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), VrrpPacketCodec.ComputeChecksum(message, version, Source, VrrpProtocol.MulticastGroupV4, VrrpChecksumVariant.Standard));
        return message;
    }

    /// <summary>Sends <paramref name="message"/> <paramref name="count"/> times, back to back, with IP TTL <paramref name="ttl"/>.</summary>
    public void Send(byte[] message, int count, int ttl = VrrpProtocol.RequiredTtl)
    {
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, ttl);
        var group = new IPEndPoint(VrrpProtocol.MulticastGroupV4, 0);
        for (int i = 0; i < count; i++)
        {
            _socket.SendTo(message, group);
        }
    }

    public void Dispose() => _socket.Dispose();
}
