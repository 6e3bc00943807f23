using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Nftables;

public sealed class IpForwardingCheckTests
{
    private static readonly IReadOnlyList<LoadBalancedService> Desired =
        [NftablesSamples.Web, NftablesSamples.Dns, NftablesSamples.Empty];

    [Fact]
    public void Forwarding_on_says_nothing()
    {
        Assert.Empty(IpForwardingCheck.Explain(Desired, ipv4Forwarding: true, ipv6Forwarding: true));
    }

    [Fact]
    public void Forwarding_off_names_the_virtual_servers_it_breaks()
    {
        Assert.Equal(
        [
            "IPv4 forwarding is off (net.ipv4.ip_forward is not 1), so the NAT virtual servers -t 10.77.7.250:80 cannot reach their real servers; set net.ipv4.ip_forward=1.",
            "IPv6 forwarding is off (net.ipv6.conf.all.forwarding is not 1), so the NAT virtual servers -u [2001:db8::53]:53 cannot reach their real servers; set net.ipv6.conf.all.forwarding=1.",
        ], IpForwardingCheck.Explain(Desired, ipv4Forwarding: false, ipv6Forwarding: false));
    }

    [Fact]
    public void Virtual_servers_without_real_servers_need_no_forwarding()
    {
        Assert.Empty(IpForwardingCheck.Explain([NftablesSamples.Empty], ipv4Forwarding: false, ipv6Forwarding: false));
    }

    [Fact]
    public void Reads_the_proc_switches_and_treats_a_missing_ipv6_switch_as_off()
    {
        string root = Directory.CreateTempSubdirectory("ko-proc-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "sys/net/ipv4"));
            File.WriteAllText(Path.Combine(root, IpForwardingCheck.Ipv4Setting), "1\n");
            var messages = IpForwardingCheck.Check(Desired, root);
            Assert.Single(messages);
            Assert.StartsWith("IPv6 forwarding is off", messages[0], StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(root, IpForwardingCheck.Ipv4Setting), "0\n");
            Assert.Equal(2, IpForwardingCheck.Check(Desired, root).Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
