using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using KeepOperator.NodeAgent.Vrrp;
using KeepOperator.NodeAgent.Vrrp.Transport;
using Xunit;
using Xunit.Abstractions;
using static KeepOperator.NodeAgent.Tests.Infrastructure.TestNetworkNamespaces;

namespace KeepOperator.NodeAgent.Tests.Transport;

/// <summary>VRRP datagrams really crossing a veth between two network namespaces.</summary>
public sealed class RawVrrpSocketTests(ITestOutputHelper output) : IDisposable
{
    // VRRPv3 advertisement shaped: version 3 / type 1, VRID 51, priority 100, 1 address, interval 100 cs, checksum, VIP.
    private static readonly byte[] Advertisement = [0x31, 51, 100, 1, 0x00, 0x64, 0xab, 0xcd, 10, 77, 8, 100];

    private readonly TestNetworkNamespaces _ns = Create();
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var d in _disposables)
        {
            d.Dispose();
        }
        _ns.Dispose();
    }

    [RootFact]
    public async Task Ipv4_advertisement_arrives_with_ttl_255_from_the_given_source()
    {
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetwork, Ipv4A);
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetwork, Ipv4B);
        Assert.Equal(Ipv4A, a.SourceAddress);
        var buffer = new byte[1500];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var receive = b.ReceiveAsync(buffer, timeout.Token);
        a.Send(Advertisement);
        var datagram = await receive;

        Assert.Equal(Advertisement, buffer[..datagram.Length]);
        Assert.Equal(Ipv4A, datagram.Source);
        Assert.Equal(VrrpProtocol.MulticastGroupV4, datagram.Destination);
        Assert.Equal(255, datagram.TtlOrHopLimit);
        Assert.Equal(b.Link.Index, datagram.InterfaceIndex);
    }

    [RootFact]
    public async Task Ipv6_advertisement_arrives_with_hop_limit_255_from_the_link_local_source()
    {
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetworkV6, LinkLocalOf(_ns.A, LinkA));
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetworkV6, LinkLocalOf(_ns.B, LinkB));
        Assert.Equal(a.Link.Index, a.SourceAddress.ScopeId);
        var buffer = new byte[1500];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var receive = b.ReceiveAsync(buffer, timeout.Token);
        a.Send(Advertisement);
        var datagram = await receive;

        Assert.Equal(Advertisement, buffer[..datagram.Length]);
        Assert.Equal(Unscoped(a.SourceAddress), Unscoped(datagram.Source));
        Assert.Equal(b.Link.Index, datagram.Source.ScopeId); // usable as-is to answer on the receiving link
        Assert.Equal(VrrpProtocol.MulticastGroupV6, Unscoped(datagram.Destination));
        Assert.Equal(255, datagram.TtlOrHopLimit);
        Assert.Equal(b.Link.Index, datagram.InterfaceIndex);
    }

    [RootFact]
    public async Task Ipv4_source_is_pinned_even_when_it_is_not_the_first_address()
    {
        var secondary = IPAddress.Parse("10.77.8.3");
        Ip(_ns.A, "addr", "add", "10.77.8.3/24", "dev", LinkA); // a secondary address of 10.77.8.0/24
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetwork, secondary);
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetwork, Ipv4B);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var receive = b.ReceiveAsync(new byte[1500], timeout.Token);
        a.Send(Advertisement);

        Assert.Equal(secondary, (await receive).Source);
    }

    [RootFact]
    public async Task Ipv4_unicast_goes_to_the_peer_with_ttl_255_from_the_source_given_per_message()
    {
        var secondary = IPAddress.Parse("10.77.8.3");
        Ip(_ns.A, "addr", "add", "10.77.8.3/24", "dev", LinkA);
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetwork, Ipv4A);
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetwork, Ipv4B);
        var buffer = new byte[1500];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var receive = b.ReceiveAsync(buffer, timeout.Token);
        a.SendUnicast(Advertisement, Ipv4B, secondary);
        var datagram = await receive;

        Assert.Equal(Advertisement, buffer[..datagram.Length]);
        Assert.Equal((secondary, Ipv4B, 255), (datagram.Source, datagram.Destination, datagram.TtlOrHopLimit));
    }

    [RootFact]
    public async Task Ipv6_unicast_reaches_a_global_address_from_a_global_source_on_link_local_sockets()
    {
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetworkV6, LinkLocalOf(_ns.A, LinkA));
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetworkV6, LinkLocalOf(_ns.B, LinkB));
        var buffer = new byte[1500];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var receive = b.ReceiveAsync(buffer, timeout.Token);
        a.SendUnicast(Advertisement, Ipv6B, Ipv6A);
        var datagram = await receive;

        Assert.Equal(Advertisement, buffer[..datagram.Length]);
        Assert.Equal((Ipv6A, Ipv6B, 255), (Unscoped(datagram.Source), Unscoped(datagram.Destination), datagram.TtlOrHopLimit));

        // A link-local peer needs the link as scope; the multicast socket's own address serves as source.
        receive = b.ReceiveAsync(buffer, timeout.Token);
        a.SendUnicast(Advertisement, Unscoped(b.SourceAddress), Unscoped(a.SourceAddress));
        datagram = await receive;
        Assert.Equal((Unscoped(a.SourceAddress), Unscoped(b.SourceAddress)), (Unscoped(datagram.Source), Unscoped(datagram.Destination)));
    }

    [RootFact]
    public async Task A_datagram_read_late_carries_the_kernels_arrival_time()
    {
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetwork, Ipv4A);
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetwork, Ipv4B);
        var sent = DateTimeOffset.UtcNow;
        a.Send([0x31, 7, 100, 0, 0x00, 0x64, 0, 0]);
        // Read 300 ms later, as a busy host might: the Master_Down_Timer must restart from the arrival, not from now.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var datagram = await b.ReceiveAsync(new byte[1500], timeout.Token);
        var read = DateTimeOffset.UtcNow;

        var arrived = Assert.NotNull(datagram.ArrivedAt);
        Assert.InRange(arrived, sent - TimeSpan.FromMilliseconds(5), sent + TimeSpan.FromMilliseconds(100));
        Assert.True(read - arrived >= TimeSpan.FromMilliseconds(250), $"arrived {arrived:HH:mm:ss.ffffff}, read {read:HH:mm:ss.ffffff}");
    }

    [RootFact]
    public async Task Queued_datagrams_are_received_in_order_and_the_sender_does_not_hear_itself()
    {
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetwork, Ipv4A);
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetwork, Ipv4B);
        for (byte vrid = 1; vrid <= 3; vrid++)
        {
            a.Send([0x31, vrid, 100, 0, 0x00, 0x64, 0, 0]);
        }
        var buffer = new byte[1500];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        for (byte vrid = 1; vrid <= 3; vrid++)
        {
            var datagram = await b.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(8, datagram.Length);
            Assert.Equal(vrid, buffer[1]);
        }

        await Task.Delay(300);
        Assert.False(a.TryReceive(buffer, out _));
    }

    [RootFact]
    public void The_loop_waiter_wakes_for_a_datagram_and_for_Wake_and_keeps_its_deadline()
    {
        var a = Open(_ns.ThreadA, LinkA, AddressFamily.InterNetworkV6, LinkLocalOf(_ns.A, LinkA));
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetworkV6, LinkLocalOf(_ns.B, LinkB));
        using var waiter = new LoopWaiter();
        waiter.Add(b.ReadinessHandle, 7);
        var ready = new List<int>();
        var clock = Stopwatch.StartNew();

        waiter.Wait(TimeSpan.FromMilliseconds(150), ready);
        var idle = clock.Elapsed;
        Assert.Empty(ready);
        Assert.InRange(idle, TimeSpan.FromMilliseconds(149), TimeSpan.FromMilliseconds(400));

        a.Send(Advertisement);
        clock.Restart();
        waiter.Wait(TimeSpan.FromSeconds(5), ready);
        Assert.Equal([7], ready);
        Assert.True(b.TryReceive(new byte[1500], out var datagram));
        Assert.Equal(Advertisement.Length, datagram.Length);
        Assert.False(b.TryReceive(new byte[1500], out _));
        output.WriteLine($"datagram woke the waiter after {clock.Elapsed.TotalMilliseconds:F2} ms");

        var waking = Task.Run(async () =>
        {
            await Task.Delay(50);
            waiter.Wake();
        });
        clock.Restart();
        waiter.Wait(TimeSpan.FromSeconds(5), ready);
        Assert.Empty(ready);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Wake took {clock.Elapsed.TotalMilliseconds} ms");
        waking.Wait();

        // Under a millisecond left: slept, not rounded up to a whole one.
        clock.Restart();
        waiter.Wait(TimeSpan.FromMicroseconds(400), ready);
        var fraction = clock.Elapsed;
        output.WriteLine($"a 0.4 ms deadline returned after {fraction.TotalMilliseconds:F3} ms");
        Assert.InRange(fraction, TimeSpan.FromMicroseconds(390), TimeSpan.FromMilliseconds(50));

        waiter.Remove(b.ReadinessHandle);
        a.Send(Advertisement);
        waiter.Wait(TimeSpan.FromMilliseconds(100), ready);
        Assert.Empty(ready);
    }

    [RootFact]
    public void Dispose_closes_both_sockets()
    {
        var b = Open(_ns.ThreadB, LinkB, AddressFamily.InterNetwork, Ipv4B);

        b.Dispose();

        Assert.True(b.ReadinessHandle.IsClosed);
        Assert.False(b.TryReceive(new byte[1500], out _));
        Assert.ThrowsAny<ObjectDisposedException>(() => b.Send(Advertisement));
    }

    [RootFact]
    public void Rejects_a_global_ipv6_source_and_a_family_mismatch()
    {
        var link = FindLink(_ns.ThreadA, LinkA);
        Assert.Throws<ArgumentException>(() => RawVrrpSocket.Open(link, AddressFamily.InterNetworkV6, Ipv6A));
        Assert.Throws<ArgumentException>(() => RawVrrpSocket.Open(link, AddressFamily.InterNetwork, Ipv6A));
    }

    private RawVrrpSocket Open(NamespaceThread thread, string linkName, AddressFamily family, IPAddress source)
    {
        var link = FindLink(thread, linkName);
        var socket = thread.Invoke(() => RawVrrpSocket.Open(link, family, source));
        _disposables.Add(socket);
        return socket;
    }

    private static NetworkLink FindLink(NamespaceThread thread, string name) => thread.Invoke(() =>
    {
        using var links = new NetworkLinks();
        return links.Find(name) ?? throw new InvalidOperationException($"no {name}");
    });

    private static IPAddress Unscoped(IPAddress address) => new(address.GetAddressBytes());
}
