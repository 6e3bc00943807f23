using System.Buffers.Binary;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>The RFC 1071 Internet checksum: ones' complement of the ones' complement sum of 16-bit big-endian words.</summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running sum. A trailing odd byte counts as the high byte of a zero-padded word.</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    /// <summary>Folds the carries into 16 bits (the ones' complement sum itself, not yet complemented).</summary>
    public static ushort Fold(ulong sum)
    {
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }

    /// <summary>The checksum field value for data whose sum (checksum field zeroed) is <paramref name="sum"/>.</summary>
    public static ushort Complement(ulong sum) => (ushort)~Fold(sum);

    /// <summary>True when data that includes its checksum field sums to all ones, i.e. verifies.</summary>
    public static bool Verifies(ulong sum) => Fold(sum) == 0xFFFF;
}
