using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp.Transport;

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

    private readonly System.Threading.Channels.Channel<(byte[] Message, IPAddress Source)> _incoming =
        System.Threading.Channels.Channel.CreateUnbounded<(byte[], IPAddress)>();

    /// <summary>Hands the agent a received VRRP message (IP header already stripped, TTL 255, to the group address).</summary>
    public void Deliver(byte[] vrrpMessage, IPAddress source)
    {
        Interlocked.Increment(ref _delivered);
        _incoming.Writer.TryWrite((vrrpMessage, source));
    }

    private int _delivered;
    private int _receives;

    /// <summary>The agent has taken every delivered message and come back for more: it has handled them all.</summary>
    public bool Drained => Volatile.Read(ref _receives) > Volatile.Read(ref _delivered);

    public async ValueTask<VrrpDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _receives);
        var (message, source) = await _incoming.Reader.ReadAsync(cancellationToken);
        message.CopyTo(buffer);
        return new VrrpDatagram(message.Length, source, IPAddress.Parse("224.0.0.18"), 255, 0);
    }

    public void Dispose() => Disposed = true;
}
