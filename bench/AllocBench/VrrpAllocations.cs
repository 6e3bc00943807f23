using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;
using KeepOperator.NodeAgent.Vrrp.Transport;

namespace KeepOperator.Bench.AllocBench;

/// <summary>
/// One VRRPv3 instance at 50 ms adverts (footprint.sh's), run by <see cref="VrrpInstanceRunner"/> on a made-up host
/// with a transport that only counts: as master, the advert timer firing; as backup, a master's advert decoded and
/// received, then the loop's tick. Time is stepped by hand, so only the hot path runs.
/// </summary>
internal static class VrrpAllocations
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress Master = IPAddress.Parse("10.99.0.2");

    public static double PerAdvertSent(int adverts)
    {
        var transport = new CountingTransport();
        var runner = Runner(priority: 100, transport);
        var now = DateTimeOffset.UnixEpoch;
        runner.Start(now);
        for (var i = 0; i < 100 || runner.State != VrrpState.Master; i++)
        {
            now += Interval;
            runner.Tick(now);
        }

        var before = (GC.GetAllocatedBytesForCurrentThread(), transport.Sent);
        for (var i = 0; i < adverts; i++)
        {
            now += Interval;
            runner.Tick(now);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before.Item1;
        Check(transport.Sent - before.Sent == adverts && runner.State == VrrpState.Master, "the master sent one advert per interval");
        return (double)allocated / adverts;
    }

    public static double PerAdvertReceived(int adverts)
    {
        var transport = new CountingTransport();
        var runner = Runner(priority: 90, transport);
        var advert = new byte[64];
        var length = VrrpPacketCodec.Encode(VrrpVersion.V3, 51, 100, Interval, [IPAddress.Parse("10.99.0.250")], null, Master, Group, advert);
        var now = DateTimeOffset.UnixEpoch;
        runner.Start(now);
        void Receive()
        {
            now += Interval;
            Check(VrrpPacketCodec.TryDecode(advert.AsSpan(0, length), Master, Group, 255, out var packet, out _), "the advert decodes");
            runner.Receive(packet, Master, now);
            runner.Tick(now);
        }

        for (var i = 0; i < 100; i++)
        {
            Receive();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < adverts; i++)
        {
            Receive();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Check(runner.State == VrrpState.Backup && transport.Sent == 0, "the backup accepted every advert (else its master-down timer would have fired)");
        return (double)allocated / adverts;
    }

    private static VrrpInstanceRunner Runner(int priority, CountingTransport transport)
    {
        var spec = new VirtualIpSpec
        {
            Addresses = ["10.99.0.250"],
            VirtualRouterId = 51,
            VrrpVersion = 3,
            AdvertInterval = "50ms",
            Priorities = [new NodePriority { NodeName = "n1", Priority = priority }],
        };
        var vip = new VirtualIp { Metadata = new ObjectMeta { Name = "web", Generation = 1 }, Spec = spec };
        var instance = VirtualIpResolver.Resolve(vip, 51, priority, "default");
        var binding = InstanceBinder.Bind(instance, [new InterfaceAddress(2, "eth0", IPAddress.Parse("10.99.0.1"), 24)]);
        var settings = binding.Settings ?? throw new InvalidOperationException(string.Join("; ", binding.Errors));
        var link = new NetworkLink(settings.InterfaceIndex, settings.InterfaceName, PhysicalAddress.None, true);
        var host = new NullHost();
        return new VrrpInstanceRunner(settings, link, transport, host, host, new StructuredLog(TextWriter.Null, TimeProvider.System), isLinkUp: _ => true);
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"bench precondition failed: {what}");
        }
    }

    private sealed class CountingTransport : IVrrpTransport
    {
        public int Sent { get; private set; }

        public IPAddress SourceAddress { get; } = IPAddress.Parse("10.99.0.1");

        public void Send(ReadOnlySpan<byte> vrrpMessage) => Sent++;

        public void SendUnicast(ReadOnlySpan<byte> vrrpMessage, IPAddress peer, IPAddress source) => Sent++;

        public SafeHandle ReadinessHandle => throw new NotSupportedException("the bench feeds packets to the runner itself");

        public bool TryReceive(Span<byte> buffer, out VrrpDatagram datagram) =>
            throw new NotSupportedException("the bench feeds packets to the runner itself");

        public void Dispose()
        {
        }
    }

    private sealed class NullHost : IInterfaceAddresses, IAddressAnnouncer
    {
        public void Add(int ifindex, IPAddress address, int prefixLength)
        {
        }

        public void Remove(int ifindex, IPAddress address, int prefixLength)
        {
        }

        public IReadOnlyList<InterfaceAddress> List() => [];

        public int Announce(NetworkLink link, IReadOnlyList<IPAddress> addresses) => addresses.Count;
    }
}
