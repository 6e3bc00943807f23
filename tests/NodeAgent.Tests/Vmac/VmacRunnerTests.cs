using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Hosting;
using KeepOperator.NodeAgent.Tests.Metrics;
using KeepOperator.NodeAgent.Vmac;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vmac;

/// <summary>Which interface holds the VIPs and is announced from: the VMAC while master (raised), nothing while backup (down).</summary>
public sealed class VmacRunnerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private readonly CapturedLog _log = new();
    private readonly FakeMacvlans _macvlans = new();
    private readonly RecordingHost _host = new();

    private VrrpInstanceRunner Runner(bool vmac)
    {
        var settings = TestInstances.Settings("web", 51, change: s => s.UseVmac = vmac ? new() : null);
        var link = new NetworkLink(settings.InterfaceIndex, settings.InterfaceName, PhysicalAddress.Parse("02-00-00-00-00-01"), true);
        var vmacInterface = settings.Vmac is { } v
            ? VmacInterface.Create(_macvlans, v, link, settings.Router.VirtualRouterId, AddressFamily.InterNetwork, s => _macvlans.Sysctls.AddRange(s))
            : null;
        return new VrrpInstanceRunner(settings, link, new FakeTransport(settings.InterfaceName, settings.InterfaceAddress), _host, _host, _log.Log, vmac: vmacInterface);
    }

    [Fact]
    public void Without_a_vmac_the_interface_holds_the_vips()
    {
        var runner = Runner(vmac: false);
        runner.Start(T0);
        runner.Tick(T0.AddSeconds(1));
        Assert.Equal(VrrpState.Master, runner.State);
        Assert.Equal([2], _host.Held.Select(h => h.Index));
        Assert.Equal("eth0", _host.AnnouncedOn.Distinct().Single().Name);
        Assert.Empty(_macvlans.Created);
    }

    [Fact]
    public void With_a_vmac_the_master_holds_and_announces_the_vips_on_the_raised_macvlan_and_a_backup_keeps_it_down()
    {
        var runner = Runner(vmac: true);
        var created = Assert.Single(_macvlans.Created);
        Assert.Equal((2, "vrrp.51", PhysicalAddress.Parse("00-00-5E-00-01-33")), created);
        Assert.Contains(("net/ipv4/conf/eth0/arp_ignore", "1"), _macvlans.Sysctls);

        runner.Start(T0);
        Assert.Equal(VrrpState.Backup, runner.State);
        Assert.Empty(_host.Held);
        Assert.False(_macvlans.Up);

        runner.Tick(T0.AddSeconds(1));
        Assert.Equal(VrrpState.Master, runner.State);
        Assert.True(_macvlans.Up);
        Assert.Equal([(FakeMacvlans.VmacIndex, IPAddress.Parse("10.99.0.250"))], _host.Held);
        var announced = _host.AnnouncedOn.Distinct().Single();
        Assert.Equal((FakeMacvlans.VmacIndex, PhysicalAddress.Parse("00-00-5E-00-01-33")), (announced.Index, announced.HardwareAddress));

        // A better master: back to backup, the VIP released and the macvlan down, then gone at stop.
        runner.Receive(AgentMetricsTests.Advert(200), AgentMetricsTests.Peer, T0.AddSeconds(2));
        Assert.Equal(VrrpState.Backup, runner.State);
        Assert.Empty(_host.Held);
        Assert.False(_macvlans.Up);

        runner.Shutdown(T0.AddSeconds(3));
        Assert.True(_macvlans.Deleted);
    }

    [Fact]
    public void Stale_vips_are_removed_from_the_interface_and_from_the_vmac()
    {
        var runner = Runner(vmac: true);
        _host.Add(2, IPAddress.Parse("10.99.0.250"), 32);
        _host.Add(FakeMacvlans.VmacIndex, IPAddress.Parse("10.99.0.250"), 32);
        runner.RemoveStaleAddresses([new(2, "eth0", IPAddress.Parse("10.99.0.250"), 32), new(FakeMacvlans.VmacIndex, "vrrp.51", IPAddress.Parse("10.99.0.250"), 32)]);
        Assert.Empty(_host.Held);
    }

    private sealed class FakeMacvlans : IMacvlanLinks
    {
        public const int VmacIndex = 40;

        public List<(int Parent, string Name, PhysicalAddress Address)> Created { get; } = [];

        public List<(string, string)> Sysctls { get; } = [];

        public bool Up { get; private set; }

        public bool Deleted { get; private set; }

        public NetworkLink Create(int parentIndex, string name, PhysicalAddress address)
        {
            Created.Add((parentIndex, name, address));
            return new NetworkLink(VmacIndex, name, address, false);
        }

        public void SetUp(int index, bool up)
        {
            Assert.Equal(VmacIndex, index);
            Up = up;
        }

        public void Delete(int index) => Deleted = index == VmacIndex;
    }

    private sealed class RecordingHost : IInterfaceAddresses, IAddressAnnouncer
    {
        public List<(int Index, IPAddress Address)> Held { get; } = [];

        public List<NetworkLink> AnnouncedOn { get; } = [];

        public void Add(int ifindex, IPAddress address, int prefixLength) => Held.Add((ifindex, address));

        public void Remove(int ifindex, IPAddress address, int prefixLength) => Held.Remove((ifindex, address));

        public IReadOnlyList<InterfaceAddress> List() => [];

        public int Announce(NetworkLink link, IReadOnlyList<IPAddress> addresses)
        {
            AnnouncedOn.Add(link);
            return addresses.Count;
        }
    }
}
