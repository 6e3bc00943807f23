using System.Net;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

public class IpvsDataplaneTests
{
    private static readonly ServiceKey Web = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.77.0.250"), 80);
    private static readonly ServiceKey Other = ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("10.96.0.10"), 53);

    private static LoadBalancedService Server(ServiceKey key, params (string Address, int Weight)[] destinations) =>
        new(new VirtualService(key) { Scheduler = "rr" }, [.. destinations.Select(d => new ServiceDestination(IPAddress.Parse(d.Address), 80) { ForwardingMethod = PacketForwarding.Masquerade, Weight = d.Weight })]);

    [Fact]
    public void Probe_finds_the_family_or_says_the_kernel_has_none()
    {
        var found = IpvsDataplane.Probe(new FakeIpvsKernel(0x25));
        var missing = IpvsDataplane.Probe(new FakeIpvsKernel(null));

        Assert.Equal((ushort)0x25, found.FamilyId);
        Assert.False(missing.Available);
        Assert.Equal("generic netlink family IPVS not found", missing.Detail);
        Assert.Equal("nftables (auto: the kernel has no IPVS (generic netlink family IPVS not found))",
            DataplaneSelector.Select(DataplaneMode.Auto, missing).ToString());
    }

    [Fact]
    public async Task The_first_apply_reads_the_kernel_later_ones_send_only_the_change()
    {
        var kernel = new FakeIpvsKernel();
        var dataplane = new IpvsDataplane(kernel, 0x25);

        await dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 1), ("10.77.0.12", 1))], CancellationToken.None);
        kernel.Changes.Clear();
        await dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 1))], CancellationToken.None);

        Assert.Equal(1, kernel.Dumps);
        Assert.Equal([new IpvsCommand.DeleteDestination(Web, IPAddress.Parse("10.77.0.12"), 80)], kernel.Changes);
        Assert.Equal(Server(Web, ("10.77.0.11", 1)), Assert.Single(kernel.Table));
    }

    [Fact]
    public async Task Services_it_did_not_program_are_left_alone_and_its_own_go_on_removal()
    {
        var kernel = new FakeIpvsKernel();
        kernel.Table.Add(Server(Other, ("10.96.1.1", 1)));
        var dataplane = new IpvsDataplane(kernel, 0x25);

        await dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 1))], CancellationToken.None);
        await dataplane.ApplyAsync([], CancellationToken.None);
        await dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 1))], CancellationToken.None);
        await dataplane.RemoveAsync([], CancellationToken.None);

        Assert.Equal([Server(Other, ("10.96.1.1", 1))], kernel.Table);
        Assert.DoesNotContain(kernel.Changes, c => c is IpvsCommand.DeleteService d && d.Service == Other);
    }

    [Fact]
    public async Task A_restarted_agent_stopped_before_its_first_update_removes_the_configured_services_it_found()
    {
        // The earlier run (killed with -9) left Web; this run never applied anything before its SIGTERM.
        var kernel = new FakeIpvsKernel();
        kernel.Table.Add(Server(Web, ("10.77.0.11", 1)));
        kernel.Table.Add(Server(Other, ("10.96.1.1", 1)));
        var dataplane = new IpvsDataplane(kernel, 0x25);

        await dataplane.RemoveAsync([Web], CancellationToken.None);

        Assert.Equal([Server(Other, ("10.96.1.1", 1))], kernel.Table);
    }

    [Fact]
    public async Task After_a_failed_request_the_kernel_is_read_again()
    {
        var kernel = new FakeIpvsKernel();
        var dataplane = new IpvsDataplane(kernel, 0x25);
        await dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 1))], CancellationToken.None);

        kernel.FailNextChange = 12; // ENOMEM
        await Assert.ThrowsAsync<KeepOperator.NodeAgent.Netlink.NetlinkException>(() => dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 0))], CancellationToken.None));
        await dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 0))], CancellationToken.None);

        Assert.Equal(2, kernel.Dumps);
        Assert.Equal(Server(Web, ("10.77.0.11", 0)), Assert.Single(kernel.Table));
    }

    [Fact]
    public async Task After_a_failed_request_the_services_applied_before_and_those_desired_are_its_own_in_the_dump()
    {
        var kernel = new FakeIpvsKernel();
        kernel.Table.Add(Server(Other, ("10.96.1.1", 1)));
        var dataplane = new IpvsDataplane(kernel, 0x25);
        await dataplane.ApplyAsync([Server(Web, ("10.77.0.11", 1))], CancellationToken.None);

        kernel.FailNextChange = 12; // ENOMEM
        await Assert.ThrowsAsync<KeepOperator.NodeAgent.Netlink.NetlinkException>(() => dataplane.ApplyAsync([], CancellationToken.None));
        await dataplane.ApplyAsync([], CancellationToken.None);

        Assert.Equal(2, kernel.Dumps);
        Assert.Equal([Server(Other, ("10.96.1.1", 1))], kernel.Table);
    }

    [Fact]
    public async Task Services_added_removed_and_moved_in_a_large_table_cost_their_commands_only()
    {
        var kernel = new FakeIpvsKernel();
        var dataplane = new IpvsDataplane(kernel, 0x25);
        var table = Enumerable.Range(0, 300).Select(i => Server(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse($"10.78.{i / 256}.{i % 256}"), 80), ($"10.79.{i / 256}.{i % 256}", 1))).ToList();
        await dataplane.ApplyAsync(table, CancellationToken.None);

        var added = Server(Web, ("10.77.0.11", 1));
        List<LoadBalancedService> changed = [added, .. table[150..], .. table[1..150]];
        kernel.Changes.Clear();
        await dataplane.ApplyAsync(changed, CancellationToken.None);
        await dataplane.ApplyAsync(changed, CancellationToken.None);

        Assert.Equal(
            [new IpvsCommand.AddService(added.Service), new IpvsCommand.AddDestination(Web, added.Destinations[0]), new IpvsCommand.DeleteService(table[0].Key)],
            kernel.Changes);
        Assert.Equal(1, kernel.Dumps);
        Assert.Equal(changed.ToHashSet(), kernel.Table.ToHashSet());
    }
}
