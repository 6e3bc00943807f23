using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>VRRPv2 Auth Type (RFC 2338; RFC 3768 keeps the field, keepalived still sends 0 or 1).</summary>
public enum VrrpAuthType : byte
{
    /// <summary>0: no authentication; the 8 auth bytes are zero.</summary>
    None = 0,

    /// <summary>1: simple text password (keepalived's <c>auth_type PASS</c>): the 8 auth bytes carry it, zero padded.</summary>
    Pass = 1,

    /// <summary>2: IPsec AH (keepalived's <c>auth_type AH</c>, sent as IP protocol 51): not supported here.</summary>
    Ah = 2,
}

/// <summary>Which checksum computation a received packet's checksum matched.</summary>
public enum VrrpChecksumVariant
{
    /// <summary>
    /// What the version defines: v2 over the VRRP message alone (no pseudo-header); v3 with the IPv4 or IPv6
    /// pseudo-header built from the packet's real source and destination.
    /// </summary>
    Standard,

    /// <summary>v3 over IPv4 without any pseudo-header (the variant RFC 9568 section 5.2.8 tells receivers to tolerate).</summary>
    WithoutPseudoHeader,

    /// <summary>
    /// v3 over IPv4 to another destination than 224.0.0.18 (unicast peers), pseudo-header built with 224.0.0.18 as
    /// destination anyway: what keepalived before 1.3.6 sent (keepalived's <c>old_unicast_checksum</c>); keepalived 2.2.7
    /// still accepts it by default. Reported only when the standard computation failed.
    /// </summary>
    UnicastWithMulticastPseudoHeader,
}

/// <summary>
/// One decoded VRRP message, wire fields only (the IP layer's source, destination and TTL are not part of it).
/// Produced by <see cref="VrrpPacketCodec.TryDecode"/>; may be built by hand (tests, filters).
/// </summary>
public readonly struct VrrpPacket
{
    /// <summary>High nibble of the first byte.</summary>
    public VrrpVersion Version { get; init; }

    /// <summary>Low nibble of the first byte; always <see cref="VrrpProtocol.AdvertisementType"/> once decoded.</summary>
    public byte Type { get; init; }

    public byte VirtualRouterId { get; init; }

    /// <summary>0: the master is giving up; 255: the address owner.</summary>
    public byte Priority { get; init; }

    /// <summary>Count IP Addrs as on the wire (equals <see cref="Addresses"/>.Count once decoded).</summary>
    public byte AddressCount { get; init; }

    /// <summary>v2's Auth Type; <see cref="VrrpAuthType.None"/> for v3.</summary>
    public VrrpAuthType AuthType { get; init; }

    /// <summary>v2: Adver Int (whole seconds); v3: Max Adver Int (12 bits, centiseconds; the 4 rsvd bits are ignored).</summary>
    public TimeSpan AdvertInterval { get; init; }

    /// <summary>The checksum field as received (it verified, see <see cref="ChecksumVariant"/>).</summary>
    public ushort Checksum { get; init; }

    /// <summary>The virtual addresses, IPv4 or IPv6 as the packet's family.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; }

    /// <summary>v2: the 8-byte Authentication Data field as received; empty for v3.</summary>
    public ReadOnlyMemory<byte> AuthData { get; init; }

    /// <summary>The address family the packet arrived over (that of its source address).</summary>
    public AddressFamily AddressFamily { get; init; }

    /// <summary>Which checksum computation matched.</summary>
    public VrrpChecksumVariant ChecksumVariant { get; init; }

    /// <summary>True when a v3 IPv4 checksum matched only without the pseudo-header (RFC 9568 variant).</summary>
    public bool ChecksumWithoutPseudoHeader => ChecksumVariant == VrrpChecksumVariant.WithoutPseudoHeader;

    /// <summary>The message length these fields imply (see <see cref="VrrpProtocol.MessageLength"/>).</summary>
    public int MessageLength => VrrpProtocol.MessageLength(Version, AddressFamily, AddressCount);
}
