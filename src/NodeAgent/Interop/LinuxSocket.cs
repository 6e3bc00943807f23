using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Interop;

/// <summary>
/// Thin helpers over libc socket calls for the sockets .NET refuses to create (raw protocol 112,
/// AF_NETLINK, AF_PACKET). Socket addresses are built as bytes in the kernel's layout
/// (sockaddr_in: 16, sockaddr_in6: 28, sockaddr_ll: 20, sockaddr_nl: 12 bytes).
/// A socket belongs to the network namespace of the thread that created it.
/// </summary>
internal static unsafe class LinuxSocket
{
    /// <summary>Linux values Tmds.LibC 0.5.0 does not carry.</summary>
    public const int Icmp6Filter = 1;           // ICMP6_FILTER, level IPPROTO_ICMPV6
    public const int NetlinkCapAck = 10;        // NETLINK_CAP_ACK, level SOL_NETLINK
    public const int NetlinkExtAck = 11;        // NETLINK_EXT_ACK
    public const ushort EthPArp = 0x0806;       // ETH_P_ARP
    public const int SizeOfSockaddrIn = 16;
    public const int SizeOfSockaddrIn6 = 28;
    public const int SizeOfSockaddrLl = 20;
    public const int SizeOfSockaddrNl = 12;

    /// <summary>socket(domain, type | SOCK_CLOEXEC, protocol) wrapped in an owning <see cref="SafeSocketHandle"/>.</summary>
    public static SafeSocketHandle Open(int domain, int type, int protocol)
    {
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new LinuxErrorException($"socket({domain}, {type}, {protocol})", errno);
        }
        return new SafeSocketHandle((IntPtr)fd, ownsHandle: true);
    }

    public static void SetOption(SafeSocketHandle handle, int level, int name, int value, string what)
    {
        SetOption(handle, level, name, new ReadOnlySpan<byte>(&value, sizeof(int)), what);
    }

    public static void SetOption(SafeSocketHandle handle, int level, int name, ReadOnlySpan<byte> value, string what)
    {
        using var lease = new FdLease(handle);
        fixed (byte* p = value)
        {
            if (setsockopt(lease.Fd, level, name, p, (uint)value.Length) != 0)
            {
                throw new LinuxErrorException($"setsockopt({what})", errno);
            }
        }
    }

    public static void Bind(SafeSocketHandle handle, ReadOnlySpan<byte> address, string what)
    {
        using var lease = new FdLease(handle);
        fixed (byte* p = address)
        {
            if (bind(lease.Fd, (sockaddr*)p, (uint)address.Length) != 0)
            {
                throw new LinuxErrorException($"bind({what})", errno);
            }
        }
    }

    /// <summary>The socket's own address (getsockname) as raw bytes.</summary>
    public static byte[] GetSocketName(SafeSocketHandle handle)
    {
        using var lease = new FdLease(handle);
        byte* buffer = stackalloc byte[128];
        socklen_t length = 128u;
        if (getsockname(lease.Fd, (sockaddr*)buffer, &length) != 0)
        {
            throw new LinuxErrorException("getsockname", errno);
        }
        return new ReadOnlySpan<byte>(buffer, (int)Math.Min((uint)length, 128u)).ToArray();
    }

    /// <summary>sendto(); retries EINTR, throws on any other failure or a short send.</summary>
    public static void SendTo(SafeSocketHandle handle, ReadOnlySpan<byte> data, ReadOnlySpan<byte> address, string what)
    {
        using var lease = new FdLease(handle);
        fixed (byte* d = data)
        fixed (byte* a = address)
        {
            while (true)
            {
                long sent = sendto(lease.Fd, d, data.Length, MSG_NOSIGNAL, (sockaddr*)a, (uint)address.Length);
                if (sent >= 0)
                {
                    if (sent != data.Length)
                    {
                        throw new IOException($"sendto({what}): sent {sent} of {data.Length} bytes");
                    }
                    return;
                }
                int error = errno;
                if (error != EINTR)
                {
                    throw new LinuxErrorException($"sendto({what})", error);
                }
            }
        }
    }

    public static byte[] SockaddrIn(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{address} is not an IPv4 address.", nameof(address));
        }
        var bytes = new byte[SizeOfSockaddrIn];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(int)AF_INET);
        address.TryWriteBytes(bytes.AsSpan(4, 4), out _);
        return bytes;
    }

    public static byte[] SockaddrIn6(IPAddress address, int scopeId)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"{address} is not an IPv6 address.", nameof(address));
        }
        var bytes = new byte[SizeOfSockaddrIn6];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(int)AF_INET6);
        address.TryWriteBytes(bytes.AsSpan(8, 16), out _);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)scopeId);
        return bytes;
    }

    /// <summary>sockaddr_ll for sending a frame out of <paramref name="ifindex"/> to <paramref name="destination"/>.</summary>
    public static byte[] SockaddrLl(int ifindex, ushort protocol, ReadOnlySpan<byte> destination)
    {
        var bytes = new byte[SizeOfSockaddrLl];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(int)AF_PACKET);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), protocol);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), ifindex);
        bytes[11] = (byte)destination.Length;
        destination.CopyTo(bytes.AsSpan(12, 8));
        return bytes;
    }

    public static byte[] SockaddrNl(uint portId, uint groups)
    {
        var bytes = new byte[SizeOfSockaddrNl];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(int)AF_NETLINK);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), portId);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), groups);
        return bytes;
    }

    /// <summary>Decodes a sockaddr_in / sockaddr_in6 (scope id kept for link-local IPv6).</summary>
    public static IPAddress? ParseInetAddress(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 2)
        {
            return null;
        }
        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        if (family == (int)AF_INET && sockaddr.Length >= 8)
        {
            return new IPAddress(sockaddr.Slice(4, 4));
        }
        if (family == (int)AF_INET6 && sockaddr.Length >= 28)
        {
            var address = new IPAddress(sockaddr.Slice(8, 16));
            uint scope = BinaryPrimitives.ReadUInt32LittleEndian(sockaddr[24..]);
            if (scope != 0 && (address.IsIPv6LinkLocal || address.IsIPv6Multicast))
            {
                address.ScopeId = scope;
            }
            return address;
        }
        return null;
    }

    /// <summary>Holds a reference on a socket handle so its descriptor number cannot be closed and reused mid-call.</summary>
    public readonly ref struct FdLease
    {
        private readonly SafeHandle _handle;

        public FdLease(SafeHandle handle)
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
            bool added = false;
            handle.DangerousAddRef(ref added);
            _handle = handle;
            Fd = (int)handle.DangerousGetHandle();
        }

        public int Fd { get; }

        public void Dispose() => _handle.DangerousRelease();
    }
}
