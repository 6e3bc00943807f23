using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KeepOperator.Api.Pools;

/// <summary>
/// One contiguous run of addresses of one family, from a pool's "CIDR", "first-last" or single-address entry.
/// Addresses are handled as 128-bit numbers (IPv4 in the low 32 bits), so ranges of both families share one arithmetic.
/// </summary>
public sealed record AddressRange(AddressFamily Family, UInt128 First, UInt128 Last)
{
    /// <summary>How many addresses the range holds.</summary>
    public UInt128 Count => Last - First + 1;

    public IPAddress Start => ToAddress(Family, First);

    public IPAddress End => ToAddress(Family, Last);

    public bool Contains(IPAddress address) =>
        address.AddressFamily == Family && ToNumber(address) is var n && n >= First && n <= Last;

    public bool Overlaps(AddressRange other) => other.Family == Family && other.First <= Last && First <= other.Last;

    /// <summary>Parses one pool entry; the error names what is wrong.</summary>
    public static bool TryParse(string? text, out AddressRange range, out string error)
    {
        range = new(AddressFamily.InterNetwork, 0, 0);
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "an empty entry";
            return false;
        }
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            if (!TryParseBare(text[..dash].Trim(), out var first) || !TryParseBare(text[(dash + 1)..].Trim(), out var last))
            {
                error = $"\"{text}\" is not a range of two addresses (\"192.0.2.10-192.0.2.20\")";
                return false;
            }
            if (first.AddressFamily != last.AddressFamily)
            {
                error = $"\"{text}\" mixes IPv4 and IPv6";
                return false;
            }
            var (a, b) = (ToNumber(first), ToNumber(last));
            if (a > b)
            {
                error = $"\"{text}\" ends before it starts";
                return false;
            }
            range = new(first.AddressFamily, a, b);
            error = "";
            return true;
        }
        if (!VirtualIpValidator.TryParseAddress(text, out var address, out int prefix, out bool hasPrefix))
        {
            error = $"\"{text}\" is neither an address, a CIDR nor a range";
            return false;
        }
        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var hostBits = hasPrefix ? bits - prefix : 0;
        var mask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var n = ToNumber(address);
        if ((n & mask) != 0)
        {
            error = $"\"{text}\" has host bits set: the network is {ToAddress(address.AddressFamily, n & ~mask)}/{prefix}";
            return false;
        }
        range = new(address.AddressFamily, n, n | mask);
        error = "";
        return true;
    }

    /// <summary>The address <paramref name="offset"/> places after <see cref="First"/>.</summary>
    public IPAddress At(UInt128 offset) => ToAddress(Family, First + offset);

    public static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress ToAddress(AddressFamily family, UInt128 number)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (family == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)number);
            return new IPAddress(bytes[..4]);
        }
        BinaryPrimitives.WriteUInt128BigEndian(bytes, number);
        return new IPAddress(bytes);
    }

    public override string ToString() => First == Last ? Start.ToString() : $"{Start}-{End}";

    private static bool TryParseBare(string text, out IPAddress address) =>
        VirtualIpValidator.TryParseAddress(text, out address, out _, out bool hasPrefix) && !hasPrefix;
}
