using System.Buffers.Binary;
using System.Net;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// Builds one netlink message: a 16-byte nlmsghdr, a family header written by the caller, then
/// attributes (nested ones too), each padded to 4 bytes as NLA_ALIGN requires. Host byte order.
/// </summary>
public sealed class NetlinkMessageWriter
{
    public const int HeaderLength = 16;

    private byte[] _buffer = new byte[256];
    private int _length;
    private readonly Stack<int> _nests = new();

    public NetlinkMessageWriter(ushort type, ushort flags, uint sequence = 0, uint portId = 0)
    {
        _length = HeaderLength;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(8), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(12), portId);
    }

    /// <summary>Reserves <paramref name="length"/> zeroed bytes (a family header such as ifaddrmsg or genlmsghdr) for the caller to fill.</summary>
    public Span<byte> AppendRaw(int length)
    {
        Ensure(Align(length));
        var span = _buffer.AsSpan(_length, length);
        span.Clear();
        _length += Align(length);
        return span;
    }

    public void PutBytes(ushort type, ReadOnlySpan<byte> value)
    {
        int total = 4 + value.Length;
        Ensure(Align(total));
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)total);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        value.CopyTo(span[4..]);
        span.Slice(total, Align(total) - total).Clear();
        _length += Align(total);
    }

    public void PutU8(ushort type, byte value) => PutBytes(type, [value]);

    public void PutU16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        PutBytes(type, b);
    }

    /// <summary>A 16-bit value in network byte order (ports in IPVS, for example).</summary>
    public void PutU16BigEndian(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        PutBytes(type, b);
    }

    public void PutU32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        PutBytes(type, b);
    }

    public void PutU32BigEndian(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        PutBytes(type, b);
    }

    /// <summary>A NUL-terminated string, as the kernel's NLA_NUL_STRING / NLA_STRING expect.</summary>
    public void PutString(ushort type, string value)
    {
        Span<byte> b = stackalloc byte[value.Length + 1];
        for (int i = 0; i < value.Length; i++)
        {
            b[i] = (byte)value[i];
        }
        b[^1] = 0;
        PutBytes(type, b);
    }

    public void PutAddress(ushort type, IPAddress address) => PutBytes(type, address.GetAddressBytes());

    public void BeginNested(ushort type)
    {
        Ensure(4);
        _nests.Push(_length);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length + 2), (ushort)(type | NetlinkConstants.NlaFNested));
        _length += 4;
    }

    public void EndNested()
    {
        int start = _nests.Pop();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
    }

    /// <summary>Finishes the message (writes nlmsg_len) and returns its bytes.</summary>
    public byte[] ToArray()
    {
        if (_nests.Count != 0)
        {
            throw new InvalidOperationException("Unbalanced nested attribute.");
        }
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        return _buffer.AsSpan(0, _length).ToArray();
    }

    public static int Align(int length) => (length + 3) & ~3;

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}
