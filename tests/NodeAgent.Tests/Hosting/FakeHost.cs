using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp.Transport;
using Microsoft.Win32.SafeHandles;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>
/// An <see cref="IVrrpInstanceFactory"/> without a kernel: transports record what they send and receive only what a test delivers,
/// addresses are a set, every tracked interface is up at the start. Lets the real event loop and runners run on real time in a unit test.
/// </summary>
public sealed class FakeHost : IVrrpInstanceFactory, IInterfaceAddresses, IAddressAnnouncer
{
    private readonly ConcurrentDictionary<(int, IPAddress), int> _addresses = new();
    private readonly CapturedLog _log;

    public FakeHost(CapturedLog log) => _log = log;

    public ConcurrentQueue<FakeTransport> Opened { get; } = new();

    public bool Holds(string vip) => _addresses.Keys.Any(k => k.Item2.Equals(IPAddress.Parse(vip)));

    public IVrrpTransport OpenTransport(VrrpInstanceSettings settings)
    {
        var transport = new FakeTransport(settings.InterfaceName, settings.InterfaceAddress);
        Opened.Enqueue(transport);
        return transport;
    }

    /// <summary>Instances whose creation the host refuses, as a read-only /proc/sys refuses a VMAC's sysctls.</summary>
    public ConcurrentDictionary<string, bool> Refused { get; } = new();

    /// <summary>
    /// Runs as a runner is being made, with its instance's transport: what a test delivers here reaches the socket
    /// before the runner exists, as a peer's adverts do while a real host makes a VMAC or JIT-compiles the runner.
    /// </summary>
    public Action<FakeTransport>? Creating { get; set; }

    public VrrpInstanceRunner CreateRunner(VrrpInstanceSettings settings, IVrrpTransport transport)
    {
        Creating?.Invoke((FakeTransport)transport);
        return Refused.ContainsKey(settings.Name)
            ? throw new IOException("Read-only file system : '/proc/sys/net/ipv4/conf/eth0/arp_ignore'")
            : new(settings, new NetworkLink(settings.InterfaceIndex, settings.InterfaceName, PhysicalAddress.None, true), transport, this, this, _log.Log, isLinkUp: _ => true);
    }

    public IDisposable? StartTracking(VrrpInstanceSettings settings, Action<byte, bool> verdict) => null;

    public void Add(int ifindex, IPAddress address, int prefixLength) => _addresses[(ifindex, address)] = prefixLength;

    public void Remove(int ifindex, IPAddress address, int prefixLength) => _addresses.TryRemove((ifindex, address), out _);

    /// <summary><see cref="TestInstances.Host"/>'s addresses plus the VIPs held.</summary>
    public IReadOnlyList<InterfaceAddress> List() =>
        [.. TestInstances.Host, .. _addresses.Select(a => new InterfaceAddress(a.Key.Item1, "eth", a.Key.Item2, a.Value))];

    /// <summary>Rounds of announcements sent (one gratuitous ARP or NA per address each).</summary>
    public int Announcements { get; private set; }

    public int Announce(NetworkLink link, IReadOnlyList<IPAddress> addresses)
    {
        Announcements++;
        return 0;
    }
}

/// <summary>Records every advert (VRID, priority); receives nothing.</summary>
public sealed class FakeTransport(string interfaceName, IPAddress source) : IVrrpTransport
{
    public string InterfaceName { get; } = interfaceName;

    public IPAddress SourceAddress { get; } = source;

    public ConcurrentQueue<(byte Vrid, byte Priority)> Sent { get; } = new();

    public bool Disposed { get; private set; }

    /// <summary>Unicast adverts: VRID, priority, peer and source.</summary>
    public ConcurrentQueue<(byte Vrid, byte Priority, IPAddress Peer, IPAddress Source)> SentUnicast { get; } = new();

    // VRID at byte 1 and priority at byte 2 in both versions.
    public void Send(ReadOnlySpan<byte> vrrpMessage) => Sent.Enqueue((vrrpMessage[1], vrrpMessage[2]));

    public void SendUnicast(ReadOnlySpan<byte> vrrpMessage, IPAddress peer, IPAddress source) => SentUnicast.Enqueue((vrrpMessage[1], vrrpMessage[2], peer, source));

    private readonly ConcurrentQueue<(byte[] Message, IPAddress Source, DateTimeOffset ArrivedAt)> _incoming = new();

    // Readable while a message waits, as the raw socket is: the agent's epoll watches it.
    private readonly SafeFileHandle _readable = OpenEventFd();

    /// <summary>
    /// Hands the agent a received VRRP message (IP header already stripped, TTL 255, to the group address), stamped
    /// with the time it arrived, as the kernel stamps it (SO_TIMESTAMPNS).
    /// </summary>
    public void Deliver(byte[] vrrpMessage, IPAddress source)
    {
        Interlocked.Increment(ref _delivered);
        _incoming.Enqueue((vrrpMessage, source, DateTimeOffset.UtcNow));
        Signal(1);
    }

    private int _delivered;
    private int _takenWhenFoundEmpty = -1;
    private int _taken;

    /// <summary>The agent has taken every delivered message and come back for more: it has handled them all.</summary>
    public bool Drained => Volatile.Read(ref _takenWhenFoundEmpty) == Volatile.Read(ref _delivered);

    public SafeHandle ReadinessHandle => _readable;

    public bool TryReceive(Span<byte> buffer, out VrrpDatagram datagram)
    {
        if (!_incoming.TryDequeue(out var item))
        {
            Signal(0); // clears it; then a message delivered meanwhile is still seen
            if (!_incoming.TryDequeue(out item))
            {
                Volatile.Write(ref _takenWhenFoundEmpty, _taken);
                datagram = default;
                return false;
            }
        }
        _taken++;
        item.Message.CopyTo(buffer);
        datagram = new VrrpDatagram(item.Message.Length, item.Source, IPAddress.Parse("224.0.0.18"), 255, 0, item.ArrivedAt);
        return true;
    }

    private static unsafe SafeFileHandle OpenEventFd()
    {
        int fd = Tmds.Linux.LibC.eventfd(0, Tmds.Linux.LibC.EFD_CLOEXEC | Tmds.Linux.LibC.EFD_NONBLOCK);
        if (fd < 0)
        {
            throw new InvalidOperationException("eventfd failed");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>1: makes the descriptor readable; 0: reads it, which makes it unreadable.</summary>
    private unsafe void Signal(int set)
    {
        ulong value = 1;
        int fd = (int)_readable.DangerousGetHandle();
        _ = set == 1 ? Tmds.Linux.LibC.write(fd, &value, sizeof(ulong)) : Tmds.Linux.LibC.read(fd, &value, sizeof(ulong));
    }

    public void Dispose()
    {
        Disposed = true;
        _readable.Dispose();
    }
}
