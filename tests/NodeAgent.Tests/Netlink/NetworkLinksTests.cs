using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Infrastructure.TestNetworkNamespaces;

namespace KeepOperator.NodeAgent.Tests.Netlink;

public sealed class NetworkLinksTests : IDisposable
{
    private readonly TestNetworkNamespaces _ns = Create();

    public void Dispose() => _ns.Dispose();

    [RootFact]
    public void Lists_and_finds_links_of_its_namespace()
    {
        using var links = _ns.ThreadA.Invoke(() => new NetworkLinks());
        int index = IndexOf(_ns.A, LinkA);
        var mac = PhysicalAddress.Parse(Regex.Match(Ip(_ns.A, "-o", "link", "show", "dev", LinkA), "link/ether ([0-9a-f:]+)").Groups[1].Value.ToUpperInvariant().Replace(':', '-'));
        var expected = new NetworkLink(index, LinkA, mac, IsUp: true);

        var all = links.List();
        Assert.Contains(expected, all);
        Assert.Contains(all, l => l.Name == "lo" && l.IsUp);
        Assert.DoesNotContain(all, l => l.Name == LinkB);
        Assert.Equal(expected, links.Find(LinkA));
        Assert.Equal(expected, links.Find(index));
        Assert.Null(links.Find("no-such-link"));
        Assert.Null(links.Find(9999));
        Assert.Null(links.Find(LinkB));
    }

    [RootFact]
    public void A_link_without_carrier_is_not_up()
    {
        using var links = _ns.ThreadA.Invoke(() => new NetworkLinks());

        Ip(_ns.B, "link", "set", LinkB, "down"); // the veth peer goes down: veth-a loses carrier (IFF_RUNNING)

        Assert.True(WaitUntil(() => links.Find(LinkA) is { IsUp: false }, TimeSpan.FromSeconds(5)));
        Ip(_ns.B, "link", "set", LinkB, "up");
        Assert.True(WaitUntil(() => links.Find(LinkA) is { IsUp: true }, TimeSpan.FromSeconds(5)));
    }
}
