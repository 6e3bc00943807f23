using System.Net;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Infrastructure.TestNetworkNamespaces;

namespace KeepOperator.NodeAgent.Tests.Netlink;

/// <summary>Real kernel, inside a throw-away network namespace; checked against iproute2's view.</summary>
public sealed class RtnetlinkInterfaceAddressesTests : IDisposable
{
    private readonly TestNetworkNamespaces _ns = Create();

    public void Dispose() => _ns.Dispose();

    [RootFact]
    public void Adds_lists_and_removes_ipv4_and_ipv6_vips_idempotently()
    {
        // Opened on a thread inside namespace A, then used from the test thread: the socket stays in A.
        using var addresses = _ns.ThreadA.Invoke(() => new RtnetlinkInterfaceAddresses());
        int index = IndexOf(_ns.A, LinkA);
        var v4 = IPAddress.Parse("10.77.8.100");
        var v6 = IPAddress.Parse("fd77:8::100");

        addresses.Add(index, v4, 32);
        addresses.Add(index, v6, 128);
        addresses.Add(index, v4, 32); // EEXIST is fine
        addresses.Add(index, v6, 128);

        string shown = Ip(_ns.A, "-o", "addr", "show", "dev", LinkA);
        Assert.Contains("inet 10.77.8.100/32 ", shown);
        Assert.Contains("inet6 fd77:8::100/128 ", shown);
        Assert.DoesNotContain("tentative", Ip(_ns.A, "-o", "-6", "addr", "show", "dev", LinkA, "to", "fd77:8::100/128"));

        var listed = addresses.List();
        Assert.Contains(new InterfaceAddress(index, LinkA, v4, 32), listed);
        Assert.Contains(new InterfaceAddress(index, LinkA, v6, 128), listed);
        Assert.Contains(new InterfaceAddress(index, LinkA, Ipv4A, 24), listed);
        Assert.Contains(listed, a => a.InterfaceName == "lo" && a.Address.Equals(IPAddress.Loopback));
        Assert.DoesNotContain(listed, a => a.InterfaceName == LinkB); // namespace B's link is not visible from A
        var linkLocal = Assert.Single(listed, a => a.InterfaceIndex == index && a.Address.IsIPv6LinkLocal);
        Assert.Equal(LinkLocalOf(_ns.A, LinkA), linkLocal.Address);
        Assert.Equal(index, linkLocal.Address.ScopeId);

        addresses.Remove(index, v4, 32);
        addresses.Remove(index, v6, 128);
        addresses.Remove(index, v4, 32); // EADDRNOTAVAIL is fine
        addresses.Remove(index, v6, 128);

        shown = Ip(_ns.A, "-o", "addr", "show", "dev", LinkA);
        Assert.DoesNotContain("10.77.8.100", shown);
        Assert.DoesNotContain("fd77:8::100", shown);
        Assert.Contains("inet 10.77.8.1/24 ", shown);
        Assert.DoesNotContain(addresses.List(), a => a.Address.Equals(v4) || a.Address.Equals(v6));
    }

    [RootFact]
    public void Kernel_errors_surface_as_typed_exceptions_with_errno()
    {
        using var addresses = _ns.ThreadA.Invoke(() => new RtnetlinkInterfaceAddresses());

        var error = Assert.Throws<NetlinkException>(() => addresses.Add(9999, IPAddress.Parse("10.77.8.100"), 32));
        Assert.Equal(19, error.Errno); // ENODEV
        Assert.Equal(RtnetlinkConstants.RtmNewAddr, error.RequestType);
        Assert.Contains("errno 19", error.Message);
        // Extended ack text (6.x: "ipv4: Device not found"); older kernels may give none.
        Assert.True(error.ExtendedMessage is null || error.ExtendedMessage.Contains("not found", StringComparison.OrdinalIgnoreCase), error.ExtendedMessage);
    }

    [RootFact]
    public void Lists_a_dump_spanning_many_datagrams()
    {
        using var addresses = _ns.ThreadA.Invoke(() => new RtnetlinkInterfaceAddresses());
        int index = IndexOf(_ns.A, LinkA);
        for (int i = 1; i <= 300; i++)
        {
            addresses.Add(index, IPAddress.Parse($"10.78.{i / 250}.{(i % 250) + 1}"), 32);
        }

        var listed = addresses.List();

        Assert.Equal(300, listed.Count(a => a.Address.ToString().StartsWith("10.78.", StringComparison.Ordinal)));
        Assert.Equal(300, Ip(_ns.A, "-o", "-4", "addr", "show", "dev", LinkA).Split('\n').Count(l => l.Contains(" 10.78.")));
    }
}
