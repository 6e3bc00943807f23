using System.Net;
using KeepOperator.Api.Instances;

namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// The per-instance receive checks keepalived makes on an already decoded packet (see <see cref="VrrpPacketCodec.TryDecode"/>):
/// version, VRID, in unicast mode the source (one of the peers), and for v2 the auth type, the PASS password and the
/// advert interval. A v3 interval that differs is not a drop: the backup adopts the master's interval (the state machine's job).
/// </summary>
public sealed class VrrpReceiveFilter
{
    private readonly byte[] _authData = new byte[VrrpProtocol.V2AuthDataLength];

    /// <param name="version">The instance's VRRP version.</param>
    /// <param name="virtualRouterId">The instance's VRID.</param>
    /// <param name="v2PassPassword">v2: the <c>auth_pass</c> (first 8 UTF-8 bytes count), or null for no authentication. Null for v3.</param>
    /// <param name="advertInterval">The configured advert interval (v2: whole seconds, compared with received ones).</param>
    /// <param name="unicastPeers">Unicast mode: the only sources accepted. Null: multicast, any source.</param>
    public VrrpReceiveFilter(VrrpVersion version, byte virtualRouterId, string? v2PassPassword, TimeSpan advertInterval, IReadOnlyList<IPAddress>? unicastPeers = null)
    {
        if (version is not (VrrpVersion.V2 or VrrpVersion.V3))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "VRRP version must be 2 or 3.");
        }

        if (version == VrrpVersion.V3 && v2PassPassword is not null)
        {
            throw new ArgumentException("VRRPv3 has no authentication; pass null.", nameof(v2PassPassword));
        }

        if (version == VrrpVersion.V2 && advertInterval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(advertInterval), advertInterval, "VRRPv2 advert interval must be whole seconds.");
        }

        Version = version;
        VirtualRouterId = virtualRouterId;
        AdvertInterval = advertInterval;
        AuthType = v2PassPassword is null ? VrrpAuthType.None : VrrpAuthType.Pass;
        VrrpPacketCodec.WritePassword(v2PassPassword, _authData);
        UnicastPeers = unicastPeers;
    }

    public VrrpVersion Version { get; }

    public byte VirtualRouterId { get; }

    /// <summary>What received v2 packets must carry: <see cref="VrrpAuthType.Pass"/> when a password was given.</summary>
    public VrrpAuthType AuthType { get; }

    public TimeSpan AdvertInterval { get; }

    public IReadOnlyList<IPAddress>? UnicastPeers { get; }

    /// <summary>
    /// <see cref="VrrpDropReason.None"/> when the packet is for this instance; otherwise, in this order:
    /// <see cref="VrrpDropReason.Version"/>, <see cref="VrrpDropReason.UnknownVirtualRouter"/>,
    /// <see cref="VrrpDropReason.UnknownUnicastPeer"/>, and for v2 <see cref="VrrpDropReason.AuthType"/>,
    /// <see cref="VrrpDropReason.AuthMismatch"/> (the 8-byte zero-padded field differs), <see cref="VrrpDropReason.IntervalMismatch"/>.
    /// </summary>
    /// <param name="source">The IP source; an IPv6 scope id is ignored.</param>
    public VrrpDropReason Check(in VrrpPacket packet, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (packet.Version != Version)
        {
            return VrrpDropReason.Version;
        }

        if (packet.VirtualRouterId != VirtualRouterId)
        {
            return VrrpDropReason.UnknownVirtualRouter;
        }

        if (UnicastPeers is { } peers && !IsPeer(peers, source))
        {
            return VrrpDropReason.UnknownUnicastPeer;
        }

        if (Version != VrrpVersion.V2)
        {
            return VrrpDropReason.None;
        }

        if (packet.AuthType != AuthType)
        {
            return VrrpDropReason.AuthType;
        }

        if (AuthType == VrrpAuthType.Pass && !packet.AuthData.Span.SequenceEqual(_authData))
        {
            return VrrpDropReason.AuthMismatch;
        }

        return packet.AdvertInterval != AdvertInterval ? VrrpDropReason.IntervalMismatch : VrrpDropReason.None;
    }

    private static bool IsPeer(IReadOnlyList<IPAddress> peers, IPAddress source)
    {
        Span<byte> wanted = stackalloc byte[16];
        Span<byte> peer = stackalloc byte[16];
        source.TryWriteBytes(wanted, out var length);
        foreach (var candidate in peers)
        {
            if (candidate.AddressFamily == source.AddressFamily && candidate.TryWriteBytes(peer, out _) && peer[..length].SequenceEqual(wanted[..length]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the state machine gets from a packet that passed: the advertised interval, priority, addresses and sender.</summary>
    public static VrrpAdvertisement ToAdvertisement(in VrrpPacket packet, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new VrrpAdvertisement(
            packet.Version,
            packet.VirtualRouterId,
            packet.Priority,
            packet.AdvertInterval,
            packet.Addresses ?? [],
            source);
    }
}
