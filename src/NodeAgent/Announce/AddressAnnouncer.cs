using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Interop;
using KeepOperator.NodeAgent.Netlink;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Announce;

/// <summary>Tells the link's neighbours that addresses now live at this host's MAC.</summary>
public interface IAddressAnnouncer
{
    /// <summary>
    /// Sends one round: a gratuitous ARP per IPv4 address and an unsolicited NA per IPv6 address, out of
    /// <paramref name="link"/>. Scheduling repeats is the caller's business. Every address is tried; failures are
    /// thrown together afterwards as an <see cref="AggregateException"/>.
    /// </summary>
    /// <returns>The messages sent (none on a link without an Ethernet address, such as loopback).</returns>
    int Announce(NetworkLink link, IReadOnlyList<IPAddress> addresses);
}

/// <summary>
/// <see cref="IAddressAnnouncer"/> over an AF_PACKET raw socket (gratuitous ARP, a whole Ethernet frame to the
/// broadcast address) and a raw ICMPv6 socket (unsolicited NA to ff02::1%link, hop limit 255; the kernel fills the
/// checksum and picks the link-local source, RFC 6724 rule 2, since ff02::1 is link-scoped). Both sockets are opened
/// by the constructor, in the network namespace of the calling thread, and are send-only (ARP: protocol 0 receives
/// nothing; ICMPv6: ICMP6_FILTER blocks every type). Links without a 6-byte MAC are skipped.
/// </summary>
public sealed class AddressAnnouncer : IAddressAnnouncer, IDisposable
{
    private static readonly IPAddress AllNodes = IPAddress.Parse("ff02::1");
    private static readonly byte[] Broadcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

    private readonly SafeSocketHandle _packet;
    private readonly SafeSocketHandle? _icmp6;
    private readonly int _icmp6Error;

    public AddressAnnouncer()
    {
        _packet = LinuxSocket.Open(AF_PACKET, SOCK_RAW, 0);
        try
        {
            _icmp6 = LinuxSocket.Open(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
            Span<byte> blockAll = stackalloc byte[32];
            blockAll.Fill(0xff);
            LinuxSocket.SetOption(_icmp6, IPPROTO_ICMPV6, LinuxSocket.Icmp6Filter, blockAll, "ICMP6_FILTER");
            LinuxSocket.SetOption(_icmp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
            LinuxSocket.SetOption(_icmp6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
        }
        catch (LinuxErrorException e) when (e.Errno == EAFNOSUPPORT && _icmp6 is null)
        {
            _icmp6Error = e.Errno; // IPv6 disabled on this host: only IPv4 can be announced
        }
        catch
        {
            _icmp6?.Dispose();
            _packet.Dispose();
            throw;
        }
    }

    public int Announce(NetworkLink link, IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(addresses);
        if (link.HardwareAddress.GetAddressBytes().Length != 6)
        {
            return 0;
        }
        List<Exception>? failures = null;
        var sent = 0;
        Span<byte> buffer = stackalloc byte[64];
        foreach (var address in addresses)
        {
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetwork)
                {
                    int length = GratuitousArpFrame.Build(link.HardwareAddress, address, buffer);
                    LinuxSocket.SendTo(_packet, buffer[..length], LinuxSocket.SockaddrLl(link.Index, GratuitousArpFrame.EtherTypeArp, Broadcast), $"gratuitous ARP for {address} on {link.Name}");
                    sent++;
                }
                else if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    if (_icmp6 is null)
                    {
                        throw new LinuxErrorException($"unsolicited NA for {address} on {link.Name}", _icmp6Error);
                    }
                    int length = UnsolicitedNeighborAdvertisement.Build(link.HardwareAddress, address, buffer);
                    LinuxSocket.SendTo(_icmp6, buffer[..length], LinuxSocket.SockaddrIn6(AllNodes, link.Index), $"unsolicited NA for {address} on {link.Name}");
                    sent++;
                }
                else
                {
                    throw new ArgumentException($"Cannot announce {address}: neither IPv4 nor IPv6.", nameof(addresses));
                }
            }
            catch (Exception e) when (e is LinuxErrorException or IOException or ArgumentException)
            {
                (failures ??= []).Add(e);
            }
        }
        if (failures is not null)
        {
            throw new AggregateException($"Announcing on {link.Name} failed for {failures.Count} of {addresses.Count} addresses.", failures);
        }
        return sent;
    }

    public void Dispose()
    {
        _icmp6?.Dispose();
        _packet.Dispose();
    }
}
