using System.Net;
using System.Net.Sockets;
using FsCheck.Xunit;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

public sealed class IpvsadmSyntaxTests
{
    private static readonly ServiceKey Web = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("192.168.216.250"), 80);

    [Property(Arbitrary = [typeof(ExpressibleIpvsCommandArbitrary)], MaxTest = 1000)]
    public bool Parse_of_render_is_identity(IpvsCommand command) =>
        IpvsadmCommandParser.Parse(IpvsadmCommandRenderer.Render(command)) == command;

    [Fact]
    public void Parses_the_walkthrough_service()
    {
        Assert.Equal(
            new IpvsCommand.AddService(new VirtualService(Web)
            {
                Scheduler = "rr",
                Flags = ServiceFlags.Persistent,
                PersistenceTimeout = 50,
            }),
            IpvsadmCommandParser.Parse("ipvsadm -A -t 192.168.216.250:80 -s rr -p 50"));
    }

    [Fact]
    public void Defaults_follow_ipvsadm()
    {
        var add = Assert.IsType<IpvsCommand.AddService>(IpvsadmCommandParser.Parse("-A -t 10.0.0.1:80"));
        Assert.Equal("wlc", add.Service.Scheduler);
        Assert.Equal(32, add.Service.NetmaskPrefixLength);
        Assert.Equal(0u, add.Service.PersistenceTimeout);

        var persistent = Assert.IsType<IpvsCommand.AddService>(IpvsadmCommandParser.Parse("-A -t 10.0.0.1:80 -p -s rr"));
        Assert.Equal(360u, persistent.Service.PersistenceTimeout);
        Assert.Equal("rr", persistent.Service.Scheduler);

        var v6 = Assert.IsType<IpvsCommand.AddService>(IpvsadmCommandParser.Parse("-A -f 3 -6"));
        Assert.Equal(128, v6.Service.NetmaskPrefixLength);
        Assert.Equal(AddressFamily.InterNetworkV6, v6.Service.Key.Family);

        var server = Assert.IsType<IpvsCommand.AddDestination>(IpvsadmCommandParser.Parse("-a -t 10.0.0.1:80 -r 10.0.0.2"));
        Assert.Equal(new ServiceDestination(IPAddress.Parse("10.0.0.2"), 80), server.Destination);
        Assert.Equal(PacketForwarding.DirectRoute, server.Destination.ForwardingMethod);
        Assert.Equal(1, server.Destination.Weight);
    }

    [Fact]
    public void Real_server_port_rules_follow_ipvsadm()
    {
        // -g / -i on an address service: the port is forced to the service's.
        var dr = Assert.IsType<IpvsCommand.AddDestination>(IpvsadmCommandParser.Parse("-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g"));
        Assert.Equal(80, dr.Destination.Port);
        // -m keeps it; -d keeps it; fwmark services keep it.
        var nat = Assert.IsType<IpvsCommand.AddDestination>(IpvsadmCommandParser.Parse("-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m"));
        Assert.Equal(8080, nat.Destination.Port);
        var del = Assert.IsType<IpvsCommand.DeleteDestination>(IpvsadmCommandParser.Parse("-d -t 10.0.0.1:80 -r 10.0.0.2:8080"));
        Assert.Equal(8080, del.Port);
        var mark = Assert.IsType<IpvsCommand.AddDestination>(IpvsadmCommandParser.Parse("-a -f 7 -r 10.0.3.1:80 -g"));
        Assert.Equal(80, mark.Destination.Port);
    }

    [Theory]
    [InlineData("-A -t 10.0.0.1:80 -s rr -p 50", "--add-service --tcp-service=10.0.0.1:80 --scheduler rr --persistent=50")]
    [InlineData("-A -t 10.0.0.1:80 -s rr -p 50", "-A -t10.0.0.1:80 -srr -p50")]
    [InlineData("-L -n", "-Ln")]
    [InlineData("-L -n", "--list --numeric")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1", "-a -t 10.0.0.1:80 -r 10.0.0.2 -gw1")]
    [InlineData("-C", "--clear")]
    [InlineData("-A -u 10.0.0.1:53 -s rr -o", "-A -u 10.0.0.1:53 --ops -s rr")]
    public void Equivalent_spellings_parse_alike(string canonical, string variant)
    {
        Assert.Equal(IpvsadmCommandParser.Parse(canonical), IpvsadmCommandParser.Parse(variant));
    }

    [Theory]
    [InlineData("", "No command")]
    [InlineData("-t 10.0.0.1:80", "No command")]
    [InlineData("-A -D -t 10.0.0.1:80", "Multiple commands")]
    [InlineData("-A -t 10.0.0.1:80 -t 10.0.0.2:80", "Multiple 'service'")]
    [InlineData("-A -t 10.0.0.1:80 -f 3", "Multiple 'service'")]
    [InlineData("-A", "needs a service")]
    [InlineData("-A -t 10.0.0.1 -s rr", "Zero port")]
    [InlineData("-A -t 10.0.0.1:80 -o", "One-Packet")]
    [InlineData("-A -t 10.0.0.1:80 -r 10.0.0.2", "Illegal 'real-server'")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -s rr", "Illegal 'scheduler'")]
    [InlineData("-d -t 10.0.0.1:80 -r 10.0.0.2 -m", "Illegal 'forward'")]
    [InlineData("-a -t 10.0.0.1:80", "needs a real server")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -g -m", "Multiple 'forward'")]
    [InlineData("-a -t 10.0.0.1:80 -r [2001:db8::2]:80 -g", "Different address family")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -w -1", "Invalid weight")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -w", "needs an argument")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -w x", "Invalid weight")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 --tun-type gue", "Tunnel options")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gue", "needs --tun-port")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type vxlan", "Invalid tunnel type")]
    [InlineData("-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-csum", "only valid with --tun-type gue or gre")]
    [InlineData("-A -t 10.0.0.1:80 -p 0", "Invalid timeout")]
    [InlineData("-A -t 10.0.0.1:80 -M 24", "dotted IPv4 mask")]
    [InlineData("-A -t 10.0.0.1:80 -M 255.0.255.0", "not contiguous")]
    [InlineData("-A -t [2001:db8::1]:80 -M 255.255.255.0", "IPv6 netmask")]
    [InlineData("-A -t 10.0.0.1:http", "port")]
    [InlineData("-A -t www.example.com:80", "numeric addresses only")]
    [InlineData("-A -t [2001:db8::1] -p", "needs a port")]
    [InlineData("-A -f 0", "fwmark")]
    [InlineData("-A -t 10.0.0.1:80 -6", "-6 is only valid with -f")]
    [InlineData("-A -t 10.0.0.1:80 -b flag-9", "scheduler flag")]
    [InlineData("-A -t 10.0.0.1:80 --bogus", "Unknown option")]
    [InlineData("-A -t 10.0.0.1:80 stray", "Unexpected argument")]
    [InlineData("-C -t 10.0.0.1:80", "Illegal 'service'")]
    [InlineData("-A -t 10.0.0.1:80 -n", "Illegal 'numeric'")]
    public void Rejects_with_a_reason(string arguments, string reason)
    {
        var e = Assert.Throws<FormatException>(() => IpvsadmCommandParser.Parse(arguments));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Renders_each_command_kind()
    {
        var v6 = ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("2001:db8::10"), 53);
        var sctp = ServiceKey.ForAddress(ServiceProtocol.Sctp, IPAddress.Parse("10.0.0.9"), 3868);
        var mark = ServiceKey.ForFirewallMark(7, AddressFamily.InterNetworkV6);
        var cases = new (IpvsCommand Command, string Line)[]
        {
            (new IpvsCommand.AddService(new VirtualService(Web) { Scheduler = "rr", Flags = ServiceFlags.Persistent, PersistenceTimeout = 50, NetmaskPrefixLength = 24 }),
                "ipvsadm -A -t 192.168.216.250:80 -s rr -p 50 -M 255.255.255.0"),
            (new IpvsCommand.EditService(new VirtualService(v6) { Scheduler = "sh", Flags = ServiceFlags.Sched1 | ServiceFlags.Sched2 | ServiceFlags.OnePacket, NetmaskPrefixLength = 64, PersistenceEngine = "sip" }),
                "ipvsadm -E -u [2001:db8::10]:53 -s sh -M 64 --pe sip -b sh-fallback,sh-port -o"),
            (new IpvsCommand.DeleteService(sctp), "ipvsadm -D --sctp-service 10.0.0.9:3868"),
            (new IpvsCommand.AddDestination(mark, new ServiceDestination(IPAddress.Parse("2001:db8::5"), 0)),
                "ipvsadm -a -f 7 -6 -r 2001:db8::5 -g -w 1"),
            (new IpvsCommand.EditDestination(Web, new ServiceDestination(IPAddress.Parse("10.0.0.2"), 80)
                { ForwardingMethod = PacketForwarding.Tunnel, Weight = 0, UpperThreshold = 100, LowerThreshold = 10, TunnelType = TunnelEncapsulation.Gue, TunnelPort = 6080, TunnelFlags = TunnelOptions.Checksum }),
                "ipvsadm -e -t 192.168.216.250:80 -r 10.0.0.2:80 -i -w 0 -x 100 -y 10 --tun-type gue --tun-port 6080 --tun-csum"),
            (new IpvsCommand.DeleteDestination(Web, IPAddress.Parse("10.0.0.2"), 80), "ipvsadm -d -t 192.168.216.250:80 -r 10.0.0.2:80"),
            (new IpvsCommand.Flush(), "ipvsadm -C"),
            (new IpvsCommand.Zero(), "ipvsadm -Z"),
            (new IpvsCommand.Zero(Web), "ipvsadm -Z -t 192.168.216.250:80"),
            (new IpvsCommand.ListServices(), "ipvsadm -L -n"),
            (new IpvsCommand.ListDestinations(mark), "ipvsadm -L -n -f 7 -6"),
        };
        foreach (var (command, line) in cases)
        {
            Assert.Equal(line, IpvsadmCommandRenderer.Render(command));
            Assert.Equal(command, IpvsadmCommandParser.Parse(line));
        }
    }
}
