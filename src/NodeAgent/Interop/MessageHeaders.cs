using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Interop;

/// <summary>recvmsg()/sendmsg() with ancillary data, over the kernel's struct msghdr / iovec / cmsghdr layouts.</summary>
internal static unsafe class MessageHeaders
{
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>Size of struct cmsghdr (size_t len; int level; int type), which is also CMSG_ALIGN'ed.</summary>
    public static int ControlHeaderLength => Align(sizeof(nuint) + 8);

    /// <summary>CMSG_SPACE(<paramref name="dataLength"/>).</summary>
    public static int ControlSpace(int dataLength) => ControlHeaderLength + Align(dataLength);

    public static int Align(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    public readonly record struct Received(int Length, int NameLength, int ControlLength, int Flags);

    /// <summary>
    /// recvmsg() into <paramref name="data"/>, the sender's address into <paramref name="name"/>, ancillary data into
    /// <paramref name="control"/>. Retries EINTR. Returns false on EAGAIN (nothing queued; use MSG_DONTWAIT).
    /// </summary>
    public static bool TryReceive(SafeSocketHandle handle, Span<byte> data, Span<byte> name, Span<byte> control, int flags, out Received received)
    {
        received = default;
        using var lease = new LinuxSocket.FdLease(handle);
        fixed (byte* d = data)
        fixed (byte* n = name)
        fixed (byte* c = control)
        {
            var iov = new IoVector { Base = d, Length = (nuint)data.Length };
            while (true)
            {
                var header = Header(n, name.Length, &iov, c, control.Length);
                long length = recvmsg(lease.Fd, (msghdr*)&header, flags);
                if (length >= 0)
                {
                    received = new Received((int)length, (int)header.NameLength, (int)header.ControlLength, header.Flags);
                    return true;
                }
                int error = errno;
                if (error == EINTR)
                {
                    continue;
                }
                if (error == EAGAIN || error == EWOULDBLOCK)
                {
                    return false;
                }
                throw new LinuxErrorException("recvmsg", error);
            }
        }
    }

    /// <summary>A msghdr over one buffer; recvmsg() rewrites the lengths, so a retry after EINTR needs a fresh one.</summary>
    private static MessageHeader Header(byte* name, int nameLength, IoVector* iov, byte* control, int controlLength) => new()
    {
        Name = name,
        NameLength = (uint)nameLength,
        Iov = iov,
        IovLength = 1,
        Control = control,
        ControlLength = (nuint)controlLength,
    };

    /// <summary>
    /// Writes one cmsghdr with <paramref name="data"/> at the start of <paramref name="control"/> (at least
    /// <see cref="ControlSpace"/>(data.Length) bytes); returns the bytes used.
    /// </summary>
    public static int WriteControl(Span<byte> control, int level, int type, ReadOnlySpan<byte> data)
    {
        int length = ControlHeaderLength + data.Length;
        control[..ControlSpace(data.Length)].Clear();
        if (sizeof(nuint) == 8)
        {
            MemoryMarshal.Write(control, (long)length);
        }
        else
        {
            MemoryMarshal.Write(control, length);
        }
        MemoryMarshal.Write(control[sizeof(nuint)..], level);
        MemoryMarshal.Write(control[(sizeof(nuint) + 4)..], type);
        data.CopyTo(control[ControlHeaderLength..]);
        return ControlSpace(data.Length);
    }

    /// <summary>sendmsg() of <paramref name="data"/> to <paramref name="name"/> with ancillary data; retries EINTR, throws on any other failure or a short send.</summary>
    public static void Send(SafeSocketHandle handle, ReadOnlySpan<byte> data, ReadOnlySpan<byte> name, ReadOnlySpan<byte> control, string what)
    {
        using var lease = new LinuxSocket.FdLease(handle);
        fixed (byte* d = data)
        fixed (byte* n = name)
        fixed (byte* c = control)
        {
            var iov = new IoVector { Base = d, Length = (nuint)data.Length };
            var header = Header(n, name.Length, &iov, c, control.Length);
            while (true)
            {
                long sent = sendmsg(lease.Fd, (msghdr*)&header, MSG_NOSIGNAL);
                if (sent >= 0)
                {
                    if (sent != data.Length)
                    {
                        throw new IOException($"sendmsg({what}): sent {sent} of {data.Length} bytes");
                    }
                    return;
                }
                int error = errno;
                if (error != EINTR)
                {
                    throw new LinuxErrorException($"sendmsg({what})", error);
                }
            }
        }
    }

    /// <summary>Walks the cmsghdr records of a received control buffer.</summary>
    public ref struct ControlMessageReader
    {
        private ReadOnlySpan<byte> _rest;

        public ControlMessageReader(ReadOnlySpan<byte> control) => _rest = control;

        public int Level { get; private set; }

        public int Type { get; private set; }

        public ReadOnlySpan<byte> Data { get; private set; }

        public bool MoveNext()
        {
            int header = ControlHeaderLength;
            if (_rest.Length < header)
            {
                return false;
            }
            long length = sizeof(nuint) == 8 ? MemoryMarshal.Read<long>(_rest) : MemoryMarshal.Read<int>(_rest);
            if (length < header || length > _rest.Length)
            {
                _rest = default;
                return false;
            }
            Level = MemoryMarshal.Read<int>(_rest[sizeof(nuint)..]);
            Type = MemoryMarshal.Read<int>(_rest[(sizeof(nuint) + 4)..]);
            Data = _rest[header..(int)length];
            _rest = _rest[Math.Min(Align((int)length), _rest.Length)..];
            return true;
        }
    }
}
