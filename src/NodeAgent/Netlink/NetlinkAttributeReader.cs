using System.Buffers.Binary;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>Walks the attributes of a netlink payload; stops quietly at a truncated or malformed attribute.</summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes) => _rest = attributes;

    /// <summary>The attribute type with the nested/byte-order flags masked off.</summary>
    public ushort Type { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            _rest = default;
            return false;
        }
        Type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & NetlinkConstants.NlaTypeMask);
        Value = _rest[4..length];
        _rest = _rest[Math.Min(NetlinkMessageWriter.Align(length), _rest.Length)..];
        return true;
    }
}
