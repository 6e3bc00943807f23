using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>Constants of the VRRP wire protocol (RFC 3768 for v2, RFC 5798 / RFC 9568 for v3).</summary>
public static class VrrpProtocol
{
    /// <summary>IP protocol number (IPv4 protocol / IPv6 next header) of VRRP.</summary>
    public const byte IpProtocolNumber = 112;

    /// <summary>TTL (IPv4) or hop limit (IPv6) every VRRP packet is sent with and multicast ones must arrive with.</summary>
    public const byte RequiredTtl = 255;

    /// <summary>The only packet type: ADVERTISEMENT.</summary>
    public const byte AdvertisementType = 1;

    /// <summary>The fixed part: version/type, VRID, priority, count, then auth type + interval (v2) or rsvd + max interval (v3), then checksum.</summary>
    public const int HeaderLength = 8;

    /// <summary>VRRPv2's trailing authentication data field (zeros, or a PASS password zero padded).</summary>
    public const int V2AuthDataLength = 8;

    /// <summary>The Count IP Addrs field is one byte.</summary>
    public const int MaxAddressCount = 255;

    /// <summary>v2 Adver Int: whole seconds in one byte.</summary>
    public const int MaxV2AdvertIntervalSeconds = 255;

    /// <summary>v3 Max Adver Int: centiseconds in 12 bits.</summary>
    public const int MaxV3AdvertIntervalCentiseconds = 0x0FFF;

    /// <summary>224.0.0.18, the IPv4 multicast group adverts are sent to. A fresh instance per call (IPAddress is mutable).</summary>
    public static IPAddress MulticastGroupV4 => new([224, 0, 0, 18]);

    /// <summary>ff02::12, the IPv6 link-local multicast group adverts are sent to. A fresh instance per call (IPAddress is mutable).</summary>
    public static IPAddress MulticastGroupV6 => new([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12]);

    /// <summary>The VRRP multicast group for <paramref name="family"/>.</summary>
    public static IPAddress MulticastGroup(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => MulticastGroupV4,
        AddressFamily.InterNetworkV6 => MulticastGroupV6,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "VRRP runs over IPv4 or IPv6 only."),
    };

    /// <summary>
    /// Length of the VRRP message (VRRP header onward) for <paramref name="addressCount"/> addresses: v2 8 + 4n + 8 (auth),
    /// v3 over IPv4 8 + 4n, v3 over IPv6 8 + 16n. -1 for a combination VRRP does not define (v2 over IPv6, other families, bad count).
    /// </summary>
    public static int MessageLength(VrrpVersion version, AddressFamily family, int addressCount)
    {
        if (addressCount is < 0 or > MaxAddressCount)
        {
            return -1;
        }

        return (version, family) switch
        {
            (VrrpVersion.V2, AddressFamily.InterNetwork) => HeaderLength + (4 * addressCount) + V2AuthDataLength,
            (VrrpVersion.V3, AddressFamily.InterNetwork) => HeaderLength + (4 * addressCount),
            (VrrpVersion.V3, AddressFamily.InterNetworkV6) => HeaderLength + (16 * addressCount),
            _ => -1,
        };
    }

    /// <summary>
    /// The virtual router MAC address (RFC 5798 section 7.3): 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6.
    /// </summary>
    public static byte[] VirtualMacAddress(AddressFamily family, byte virtualRouterId) => family switch
    {
        AddressFamily.InterNetwork => [0x00, 0x00, 0x5E, 0x00, 0x01, virtualRouterId],
        AddressFamily.InterNetworkV6 => [0x00, 0x00, 0x5E, 0x00, 0x02, virtualRouterId],
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "VRRP runs over IPv4 or IPv6 only."),
    };

    /// <summary>True for any IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast address; the TTL rule applies to these.</summary>
    public static bool IsMulticast(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6Multicast;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        return address.TryWriteBytes(bytes, out _) && (bytes[0] & 0xF0) == 0xE0;
    }
}
