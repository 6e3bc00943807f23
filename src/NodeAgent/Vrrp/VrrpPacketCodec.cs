using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// Encodes and decodes VRRP messages (the VRRP header onward; the kernel writes and strips the IP header), byte for
/// byte as keepalived 2.2.7 does: v2 (RFC 3768, IPv4 only, optional PASS authentication) and v3 (RFC 5798, IPv4 and IPv6).
/// </summary>
public static class VrrpPacketCodec
{
    private const int V3IntervalMask = 0x0FFF;
    private const long TicksPerCentisecond = TimeSpan.TicksPerMillisecond * 10;

    /// <summary>
    /// Writes one advertisement into <paramref name="buffer"/> and returns its length (<see cref="VrrpProtocol.MessageLength"/>).
    /// </summary>
    /// <param name="version">v2 is IPv4 only.</param>
    /// <param name="virtualRouterId">1-255.</param>
    /// <param name="priority">0-255 (0: giving up mastership).</param>
    /// <param name="interval">v2: whole seconds, 1-255 s. v3: whole centiseconds, 10 ms - 40.95 s.</param>
    /// <param name="addresses">0-255 addresses, all of the family of <paramref name="source"/>; IPv6 scope ids are not sent.</param>
    /// <param name="v2PassPassword">
    /// v2 only: null sends auth type 0 (none, 8 zero bytes); otherwise auth type 1 (PASS) with the first 8 UTF-8 bytes of the
    /// password, zero padded (keepalived's <c>auth_pass</c>). Must be null for v3.
    /// </param>
    /// <param name="source">Source address of the IP packet (v3: part of the pseudo-header; decides the address family).</param>
    /// <param name="destination">Destination (224.0.0.18, ff02::12 or a unicast peer); same family as the source.</param>
    /// <param name="buffer">Receives the message; at least the message length.</param>
    /// <param name="checksumVariant">
    /// <see cref="VrrpChecksumVariant.Standard"/> unless a v3 IPv4 peer needs one of the compatibility variants.
    /// </param>
    /// <exception cref="ArgumentException">An input VRRP cannot carry, or a too short buffer.</exception>
    public static int Encode(
        VrrpVersion version,
        byte virtualRouterId,
        byte priority,
        TimeSpan interval,
        IReadOnlyList<IPAddress> addresses,
        string? v2PassPassword,
        IPAddress source,
        IPAddress destination,
        Span<byte> buffer,
        VrrpChecksumVariant checksumVariant = VrrpChecksumVariant.Standard)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);

        var family = source.AddressFamily;
        if (version is not (VrrpVersion.V2 or VrrpVersion.V3))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "VRRP version must be 2 or 3.");
        }

        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"Source address family {family} is neither IPv4 nor IPv6.", nameof(source));
        }

        if (destination.AddressFamily != family)
        {
            throw new ArgumentException("Destination and source address families differ.", nameof(destination));
        }

        if (version == VrrpVersion.V2 && family != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("VRRPv2 runs over IPv4 only.", nameof(source));
        }

        if (virtualRouterId == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(virtualRouterId), virtualRouterId, "VRID must be 1-255.");
        }

        if (addresses.Count > VrrpProtocol.MaxAddressCount)
        {
            throw new ArgumentException($"At most {VrrpProtocol.MaxAddressCount} addresses fit the Count IP Addrs field.", nameof(addresses));
        }

        if (version == VrrpVersion.V3 && v2PassPassword is not null)
        {
            throw new ArgumentException("VRRPv3 has no authentication; pass null.", nameof(v2PassPassword));
        }

        if (checksumVariant != VrrpChecksumVariant.Standard &&
            (version != VrrpVersion.V3 || family != AddressFamily.InterNetwork))
        {
            throw new ArgumentException("Checksum variants exist for VRRPv3 over IPv4 only.", nameof(checksumVariant));
        }

        ushort intervalField = EncodeInterval(version, interval);

        int length = VrrpProtocol.MessageLength(version, family, addresses.Count);
        if (buffer.Length < length)
        {
            throw new ArgumentException($"The buffer holds {buffer.Length} bytes; the message needs {length}.", nameof(buffer));
        }

        var message = buffer[..length];
        message[0] = (byte)(((byte)version << 4) | VrrpProtocol.AdvertisementType);
        message[1] = virtualRouterId;
        message[2] = priority;
        message[3] = (byte)addresses.Count;
        if (version == VrrpVersion.V2)
        {
            message[4] = (byte)(v2PassPassword is null ? VrrpAuthType.None : VrrpAuthType.Pass);
            message[5] = (byte)intervalField;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(message[4..], intervalField);
        }

        message[6] = 0;
        message[7] = 0;

        int addressLength = family == AddressFamily.InterNetwork ? 4 : 16;
        int offset = VrrpProtocol.HeaderLength;
        for (int i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i] ?? throw new ArgumentException($"Address {i} is null.", nameof(addresses));
            if (address.AddressFamily != family)
            {
                throw new ArgumentException($"Address {address} is not of the source's family {family}.", nameof(addresses));
            }

            if (!address.TryWriteBytes(message.Slice(offset, addressLength), out _))
            {
                throw new ArgumentException($"Address {address} could not be written.", nameof(addresses));
            }

            offset += addressLength;
        }

        if (version == VrrpVersion.V2)
        {
            var auth = message.Slice(offset, VrrpProtocol.V2AuthDataLength);
            WritePassword(v2PassPassword, auth);
        }

        ushort checksum = ComputeChecksum(message, version, source, destination, checksumVariant);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], checksum);
        return length;
    }

    /// <summary>
    /// Decodes and validates one received VRRP message with every check keepalived makes before looking at its instances:
    /// TTL/hop limit (255 when <paramref name="destination"/> is multicast), version, type, exact length, address family,
    /// v2 auth type, and the checksum (v3 IPv4 also accepts the RFC 9568 no-pseudo-header variant and, like keepalived,
    /// a pseudo-header carrying 224.0.0.18 instead of the real destination: old keepalived's unicast checksum). Never throws.
    /// </summary>
    /// <param name="vrrpMessage">The IP payload (raw IPv4 sockets: after <see cref="Ipv4Header.TryParse"/>; IPv6 raw sockets hand it over as is).</param>
    /// <param name="source">The IP source address.</param>
    /// <param name="destination">The IP destination address.</param>
    /// <param name="ttlOrHopLimit">IPv4 TTL, or IPv6 hop limit (IPV6_HOPLIMIT control message).</param>
    /// <param name="packet">The decoded packet when true is returned; default otherwise.</param>
    /// <param name="reason"><see cref="VrrpDropReason.None"/> when true is returned; why it was dropped otherwise.</param>
    public static bool TryDecode(
        ReadOnlySpan<byte> vrrpMessage,
        IPAddress source,
        IPAddress destination,
        int ttlOrHopLimit,
        out VrrpPacket packet,
        out VrrpDropReason reason)
    {
        packet = default;
        reason = Validate(vrrpMessage, source, destination, ttlOrHopLimit, out var version, out var family, out var variant);
        if (reason != VrrpDropReason.None)
        {
            return false;
        }

        int count = vrrpMessage[3];
        int addressLength = family == AddressFamily.InterNetwork ? 4 : 16;
        var addresses = new IPAddress[count];
        for (int i = 0; i < count; i++)
        {
            addresses[i] = new IPAddress(vrrpMessage.Slice(VrrpProtocol.HeaderLength + (i * addressLength), addressLength));
        }

        VrrpAuthType authType;
        TimeSpan interval;
        ReadOnlyMemory<byte> authData;
        if (version == VrrpVersion.V2)
        {
            authType = (VrrpAuthType)vrrpMessage[4];
            interval = TimeSpan.FromSeconds(vrrpMessage[5]);
            authData = vrrpMessage.Slice(vrrpMessage.Length - VrrpProtocol.V2AuthDataLength).ToArray();
        }
        else
        {
            authType = VrrpAuthType.None;
            interval = TimeSpan.FromTicks((BinaryPrimitives.ReadUInt16BigEndian(vrrpMessage[4..]) & V3IntervalMask) * TicksPerCentisecond);
            authData = ReadOnlyMemory<byte>.Empty;
        }

        packet = new VrrpPacket
        {
            Version = version,
            Type = (byte)(vrrpMessage[0] & 0x0F),
            VirtualRouterId = vrrpMessage[1],
            Priority = vrrpMessage[2],
            AddressCount = (byte)count,
            AuthType = authType,
            AdvertInterval = interval,
            Checksum = BinaryPrimitives.ReadUInt16BigEndian(vrrpMessage[6..]),
            Addresses = addresses,
            AuthData = authData,
            AddressFamily = family,
            ChecksumVariant = variant,
        };
        return true;
    }

    private static VrrpDropReason Validate(
        ReadOnlySpan<byte> message,
        IPAddress? source,
        IPAddress? destination,
        int ttlOrHopLimit,
        out VrrpVersion version,
        out AddressFamily family,
        out VrrpChecksumVariant variant)
    {
        version = default;
        variant = VrrpChecksumVariant.Standard;
        family = source?.AddressFamily ?? AddressFamily.Unknown;

        if (source is null || destination is null ||
            family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) ||
            destination.AddressFamily != family)
        {
            return VrrpDropReason.AddressFamily;
        }

        if (message.Length < VrrpProtocol.HeaderLength)
        {
            return VrrpDropReason.TooShort;
        }

        if (ttlOrHopLimit != VrrpProtocol.RequiredTtl && VrrpProtocol.IsMulticast(destination))
        {
            return VrrpDropReason.Ttl;
        }

        int rawVersion = message[0] >> 4;
        if (rawVersion is not ((int)VrrpVersion.V2 or (int)VrrpVersion.V3))
        {
            return VrrpDropReason.Version;
        }

        version = (VrrpVersion)rawVersion;
        if (version == VrrpVersion.V2 && family != AddressFamily.InterNetwork)
        {
            return VrrpDropReason.Version;
        }

        if ((message[0] & 0x0F) != VrrpProtocol.AdvertisementType)
        {
            return VrrpDropReason.Type;
        }

        int count = message[3];
        int expected = VrrpProtocol.MessageLength(version, family, count);
        if (message.Length != expected)
        {
            // A v3 message whose length fits the other family's address size came over the wrong IP version.
            var otherFamily = family == AddressFamily.InterNetwork ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            return version == VrrpVersion.V3 && count > 0 &&
                   message.Length == VrrpProtocol.MessageLength(version, otherFamily, count)
                ? VrrpDropReason.AddressFamily
                : VrrpDropReason.Length;
        }

        if (version == VrrpVersion.V2 && message[4] > (byte)VrrpAuthType.Ah)
        {
            return VrrpDropReason.AuthType;
        }

        ulong messageSum = InternetChecksum.Add(0, message);
        if (InternetChecksum.Verifies(messageSum + PseudoHeaderSum(version, source, destination, message.Length, VrrpChecksumVariant.Standard)))
        {
            return VrrpDropReason.None;
        }

        if (version == VrrpVersion.V3 && family == AddressFamily.InterNetwork)
        {
            if (InternetChecksum.Verifies(messageSum))
            {
                variant = VrrpChecksumVariant.WithoutPseudoHeader;
                return VrrpDropReason.None;
            }

            if (!destination.Equals(VrrpProtocol.MulticastGroupV4) &&
                InternetChecksum.Verifies(messageSum + PseudoHeaderSum(version, source, destination, message.Length, VrrpChecksumVariant.UnicastWithMulticastPseudoHeader)))
            {
                variant = VrrpChecksumVariant.UnicastWithMulticastPseudoHeader;
                return VrrpDropReason.None;
            }
        }

        return VrrpDropReason.Checksum;
    }

    private static ushort EncodeInterval(VrrpVersion version, TimeSpan interval)
    {
        if (version == VrrpVersion.V2)
        {
            if (interval.Ticks % TimeSpan.TicksPerSecond != 0 ||
                interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromSeconds(VrrpProtocol.MaxV2AdvertIntervalSeconds))
            {
                throw new ArgumentOutOfRangeException(nameof(interval), interval, "VRRPv2 advert interval must be whole seconds, 1-255.");
            }

            return (ushort)(interval.Ticks / TimeSpan.TicksPerSecond);
        }

        if (interval.Ticks % TicksPerCentisecond != 0 ||
            interval.Ticks < TicksPerCentisecond || interval.Ticks > VrrpProtocol.MaxV3AdvertIntervalCentiseconds * TicksPerCentisecond)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "VRRPv3 advert interval must be whole centiseconds, 0.01-40.95 s.");
        }

        return (ushort)(interval.Ticks / TicksPerCentisecond);
    }

    /// <summary>Writes the 8-byte v2 auth field: zeros for null, otherwise the first 8 UTF-8 bytes of the password, zero padded.</summary>
    internal static void WritePassword(string? password, Span<byte> field)
    {
        field.Clear();
        if (string.IsNullOrEmpty(password))
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(password);
        bytes.AsSpan(0, Math.Min(bytes.Length, field.Length)).CopyTo(field);
    }

    /// <summary>
    /// The checksum field value for <paramref name="message"/> (its checksum field zeroed) as <paramref name="variant"/>
    /// computes it: what <see cref="Encode"/> writes. Public for tools that build or repair messages (the fuzzer).
    /// </summary>
    public static ushort ComputeChecksum(
        ReadOnlySpan<byte> message, VrrpVersion version, IPAddress source, IPAddress destination, VrrpChecksumVariant variant)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ulong sum = InternetChecksum.Add(0, message);
        if (variant != VrrpChecksumVariant.WithoutPseudoHeader)
        {
            sum += PseudoHeaderSum(version, source, destination, message.Length, variant);
        }

        return InternetChecksum.Complement(sum);
    }

    /// <summary>Sum of the pseudo-header v3 prepends (0 for v2): IPv4 src, dst, 0, 112, length; IPv6 src, dst, length (32 bits), 0, 112.</summary>
    private static ulong PseudoHeaderSum(VrrpVersion version, IPAddress source, IPAddress destination, int length, VrrpChecksumVariant variant)
    {
        if (version != VrrpVersion.V3)
        {
            return 0;
        }

        Span<byte> header = stackalloc byte[40];
        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            var dst = variant == VrrpChecksumVariant.UnicastWithMulticastPseudoHeader ? VrrpProtocol.MulticastGroupV4 : destination;
            if (!source.TryWriteBytes(header[..4], out _) || !dst.TryWriteBytes(header[4..8], out _))
            {
                return 0;
            }

            header[8] = 0;
            header[9] = VrrpProtocol.IpProtocolNumber;
            BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)length);
            return InternetChecksum.Add(0, header[..12]);
        }

        if (!source.TryWriteBytes(header[..16], out _) || !destination.TryWriteBytes(header[16..32], out _))
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt32BigEndian(header[32..], (uint)length);
        header[36] = 0;
        header[37] = 0;
        header[38] = 0;
        header[39] = VrrpProtocol.IpProtocolNumber;
        return InternetChecksum.Add(0, header);
    }
}
