using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text;
using static KeepOperator.NodeAgent.Netlink.RtnetlinkConstants;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// Builds and parses RTM_*ADDR messages (struct ifaddrmsg + IFA_* attributes), byte for byte what iproute2's
/// <c>ip addr add/del</c> sends, plus IFA_FLAGS(IFA_F_NODAD) for IPv6 adds as keepalived sends.
/// </summary>
public static class RtnetlinkAddressCodec
{
    /// <summary>
    /// RTM_NEWADDR with NLM_F_REQUEST|NLM_F_ACK|NLM_F_EXCL|NLM_F_CREATE: ifaddrmsg, IFA_LOCAL, IFA_ADDRESS (both the
    /// address, as for a non point-to-point address). IPv6 adds carry IFA_F_NODAD both in ifa_flags and in IFA_FLAGS
    /// so the address is usable at once instead of staying tentative for the DAD period.
    /// </summary>
    public static byte[] BuildAdd(int ifindex, IPAddress address, int prefixLength, uint sequence)
    {
        const ushort flags = NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFAck | NetlinkConstants.NlmFExcl | NetlinkConstants.NlmFCreate;
        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var writer = new NetlinkMessageWriter(RtmNewAddr, flags, sequence);
        WriteIfAddrMsg(writer.AppendRaw(IfAddrMsgLength), ifindex, address, prefixLength, v6 ? (byte)IfaFNoDad : (byte)0);
        writer.PutAddress(IfaLocal, address);
        writer.PutAddress(IfaAddress, address);
        if (v6)
        {
            writer.PutU32(IfaFlags, IfaFNoDad);
        }
        return writer.ToArray();
    }

    /// <summary>RTM_DELADDR with NLM_F_REQUEST|NLM_F_ACK: ifaddrmsg, IFA_LOCAL, IFA_ADDRESS.</summary>
    public static byte[] BuildDelete(int ifindex, IPAddress address, int prefixLength, uint sequence)
    {
        var writer = new NetlinkMessageWriter(RtmDelAddr, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFAck, sequence);
        WriteIfAddrMsg(writer.AppendRaw(IfAddrMsgLength), ifindex, address, prefixLength, 0);
        writer.PutAddress(IfaLocal, address);
        writer.PutAddress(IfaAddress, address);
        return writer.ToArray();
    }

    /// <summary>RTM_GETADDR dump (NLM_F_REQUEST|NLM_F_DUMP) of one family, or both for <see cref="AddressFamily.Unspecified"/>.</summary>
    public static byte[] BuildDump(AddressFamily family, uint sequence)
    {
        var writer = new NetlinkMessageWriter(RtmGetAddr, NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFDump, sequence);
        var header = writer.AppendRaw(IfAddrMsgLength);
        header[0] = family switch
        {
            AddressFamily.InterNetwork => 2,
            AddressFamily.InterNetworkV6 => 10,
            AddressFamily.Unspecified => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Only IPv4, IPv6 or Unspecified."),
        };
        return writer.ToArray();
    }

    /// <summary>
    /// Decodes an RTM_NEWADDR message. The address is IFA_LOCAL when present (IPv4), else IFA_ADDRESS (IPv6);
    /// link-local IPv6 addresses get the interface index as scope id. The interface name comes from
    /// <paramref name="interfaceName"/> when given, else from IFA_LABEL (IPv4 only), else is empty.
    /// </summary>
    public static bool TryParse(NetlinkMessage message, Func<int, string?>? interfaceName, [NotNullWhen(true)] out InterfaceAddress? address)
    {
        address = null;
        if (message.Type != RtmNewAddr || !TryParse(message.Payload, out var parsed))
        {
            return false;
        }
        string name = interfaceName?.Invoke(parsed.InterfaceIndex) ?? parsed.Label ?? "";
        address = new InterfaceAddress(parsed.InterfaceIndex, name, parsed.Address, parsed.PrefixLength);
        return true;
    }

    /// <summary>Everything an RTM_NEWADDR payload says that callers may need beyond <see cref="InterfaceAddress"/>.</summary>
    public readonly record struct ParsedAddress(int InterfaceIndex, IPAddress Address, int PrefixLength, uint Flags, byte Scope, string? Label);

    /// <summary>Decodes an ifaddrmsg payload (the bytes after nlmsghdr). Flags are IFA_FLAGS when present, else ifa_flags.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out ParsedAddress parsed)
    {
        parsed = default;
        if (payload.Length < IfAddrMsgLength)
        {
            return false;
        }
        byte family = payload[0];
        int addressLength = family switch { 2 => 4, 10 => 16, _ => 0 };
        if (addressLength == 0)
        {
            return false;
        }
        int prefixLength = payload[1];
        uint flags = payload[2];
        byte scope = payload[3];
        int ifindex = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        if (ifindex <= 0)
        {
            // The kernel numbers links from 1; anything else is not a reply we can act on (and is no scope id).
            return false;
        }
        ReadOnlySpan<byte> local = default, peer = default;
        string? label = null;
        var reader = new NetlinkAttributeReader(payload[IfAddrMsgLength..]);
        while (reader.MoveNext())
        {
            switch (reader.Type)
            {
                case IfaLocal when reader.Value.Length == addressLength:
                    local = reader.Value;
                    break;
                case IfaAddress when reader.Value.Length == addressLength:
                    peer = reader.Value;
                    break;
                case IfaLabel:
                    label = Encoding.UTF8.GetString(reader.Value).TrimEnd('\0');
                    break;
                case IfaFlags when reader.Value.Length >= 4:
                    flags = BinaryPrimitives.ReadUInt32LittleEndian(reader.Value);
                    break;
            }
        }
        var bytes = !local.IsEmpty ? local : peer;
        if (bytes.IsEmpty)
        {
            return false;
        }
        var address = new IPAddress(bytes);
        if (address.IsIPv6LinkLocal)
        {
            address.ScopeId = ifindex;
        }
        parsed = new ParsedAddress(ifindex, address, prefixLength, flags, scope, label);
        return true;
    }

    private static void WriteIfAddrMsg(Span<byte> header, int ifindex, IPAddress address, int prefixLength, byte flags)
    {
        int maxPrefix = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => 32,
            AddressFamily.InterNetworkV6 => 128,
            _ => throw new ArgumentException($"{address} is neither IPv4 nor IPv6.", nameof(address)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, maxPrefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifindex);
        header[0] = maxPrefix == 32 ? (byte)2 : (byte)10;
        header[1] = (byte)prefixLength;
        header[2] = flags;
        header[3] = RtScopeUniverse;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], ifindex);
    }
}
