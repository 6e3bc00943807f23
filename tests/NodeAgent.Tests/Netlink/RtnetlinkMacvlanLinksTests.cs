using System.Net.NetworkInformation;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Infrastructure.TestNetworkNamespaces;

namespace KeepOperator.NodeAgent.Tests.Netlink;

/// <summary>Against the kernel: the macvlan made, raised, replaced when left over, deleted.</summary>
public sealed class RtnetlinkMacvlanLinksTests : IDisposable
{
    private static readonly PhysicalAddress Vmac = PhysicalAddress.Parse("00-00-5E-00-01-33");
    private readonly TestNetworkNamespaces _ns = Create();

    public void Dispose() => _ns.Dispose();

    [RootFact]
    public void Creates_a_private_macvlan_with_the_vmac_raises_it_and_deletes_it()
    {
        using var links = _ns.ThreadA.Invoke(() => new NetworkLinks());
        using var macvlans = _ns.ThreadA.Invoke(() => new RtnetlinkMacvlanLinks(links));
        var parent = links.Find(LinkA)!;

        var vmac = macvlans.Create(parent.Index, "vrrp.51", Vmac);
        Assert.Equal(("vrrp.51", Vmac, false), (vmac.Name, vmac.HardwareAddress, vmac.IsUp));
        var shown = Ip(_ns.A, "-d", "link", "show", "vrrp.51");
        Assert.Contains($"vrrp.51@{LinkA}", shown, StringComparison.Ordinal);
        Assert.Contains("link/ether 00:00:5e:00:01:33", shown, StringComparison.Ordinal);
        Assert.Contains("macvlan mode private", shown, StringComparison.Ordinal);
        Assert.Contains("state DOWN", shown, StringComparison.Ordinal);

        macvlans.SetUp(vmac.Index, up: true);
        Assert.True(links.Find(vmac.Index)!.IsUp);
        macvlans.SetUp(vmac.Index, up: false);
        Assert.Contains("state DOWN", Ip(_ns.A, "link", "show", "vrrp.51"), StringComparison.Ordinal);

        macvlans.Delete(vmac.Index);
        Assert.Null(links.Find("vrrp.51"));
        macvlans.Delete(vmac.Index); // already gone is fine
    }

    [RootFact]
    public void A_leftover_of_that_name_is_replaced()
    {
        // What a kill -9 leaves: the macvlan, up, with another MAC.
        Ip(_ns.A, "link", "add", "link", LinkA, "name", "vrrp.51", "address", "02:00:00:00:00:99", "type", "macvlan", "mode", "bridge");
        Ip(_ns.A, "link", "set", "vrrp.51", "up");
        using var links = _ns.ThreadA.Invoke(() => new NetworkLinks());
        using var macvlans = _ns.ThreadA.Invoke(() => new RtnetlinkMacvlanLinks(links));

        var vmac = macvlans.Create(links.Find(LinkA)!.Index, "vrrp.51", Vmac);
        Assert.Equal((Vmac, false), (vmac.HardwareAddress, vmac.IsUp));
        Assert.Contains("macvlan mode private", Ip(_ns.A, "-d", "link", "show", "vrrp.51"), StringComparison.Ordinal);
    }
}
