using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FsCheck.Xunit;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.ServiceModel;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

public sealed class IpvsMessageCodecTests
{
    private const ushort Family = 0x0042;

    [Property(Arbitrary = [typeof(IpvsCommandArbitrary)], MaxTest = 500)]
    public bool Every_command_decodes_back_to_itself(IpvsCommand command) =>
        IpvsMessageCodec.DecodeCommand(IpvsMessageCodec.Encode(command, Family)) == command;

    [Property(Arbitrary = [typeof(IpvsCommandArbitrary)], MaxTest = 200)]
    public bool Header_carries_family_flags_sequence_and_port(IpvsCommand command)
    {
        var bytes = IpvsMessageCodec.Encode(command, 0x1234, sequence: 77, portId: 99);
        ushort expectedFlags = command is IpvsCommand.ListServices or IpvsCommand.ListDestinations
            ? (ushort)0x305
            : (ushort)0x005;
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes) == bytes.Length
            && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)) == 0x1234
            && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)) == expectedFlags
            && BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) == 77
            && BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)) == 99
            && bytes[17] == IpvsGenl.Version
            && bytes.Length % 4 == 0;
    }

    [Fact]
    public void Get_destinations_dump_sends_only_the_service_key()
    {
        var key = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
        // libipvs ipvs_get_dests: AF, PROTOCOL, ADDR, PORT (or AF, FWMARK) and nothing else, with NLM_F_DUMP.
        Assert.Equal(
            "44000000420005030000000000000000080100003000018006000100020000000600020006000000"
            + "140003000a000001000000000000000000000000060004000050" + "0000",
            Convert.ToHexStringLower(IpvsMessageCodec.Encode(new IpvsCommand.ListDestinations(key), Family)));

        var mark = ServiceKey.ForFirewallMark(7, AddressFamily.InterNetworkV6);
        Assert.Equal(
            "2800000042000503000000000000000008010000" + "14000180" + "060001000a000000" + "0800050007000000",
            Convert.ToHexStringLower(IpvsMessageCodec.Encode(new IpvsCommand.ListDestinations(mark), Family)));
    }

    [Fact]
    public void Get_info_probe_is_a_bare_header()
    {
        Assert.Equal("14000000420005000000000000000000" + "0f010000",
            Convert.ToHexStringLower(IpvsMessageCodec.EncodeGetInfo(Family)));
    }

    [Fact]
    public void Decodes_a_kernel_service_dump_entry()
    {
        // As ip_vs_genl_fill_service writes it: HASHED set, PE name, stats nests, NLM_F_MULTI.
        var w = GenericNetlink.CreateWriter(Family, NetlinkConstants.NlmFMulti, IpvsGenl.CmdNewService, 1);
        w.BeginNested(IpvsGenl.CmdAttrService);
        w.PutU16(IpvsGenl.SvcAttrAf, 2);
        w.PutU16(IpvsGenl.SvcAttrProtocol, 17);
        w.PutBytes(IpvsGenl.SvcAttrAddr, [10, 0, 0, 53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        w.PutU16BigEndian(IpvsGenl.SvcAttrPort, 53);
        w.PutString(IpvsGenl.SvcAttrSchedName, "sh");
        w.PutString(IpvsGenl.SvcAttrPeName, "sip");
        w.PutBytes(IpvsGenl.SvcAttrFlags, [0x1b, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        w.PutU32(IpvsGenl.SvcAttrTimeout, 300);
        w.PutU32BigEndian(IpvsGenl.SvcAttrNetmask, 0xffffff00);
        w.BeginNested(IpvsGenl.SvcAttrStats);
        w.PutU32(1, 12345);
        w.EndNested();
        w.BeginNested(IpvsGenl.SvcAttrStats64);
        w.PutBytes(1, new byte[8]);
        w.EndNested();
        w.EndNested();

        var service = IpvsMessageCodec.DecodeService(w.ToArray());

        Assert.Equal(
            new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("10.0.0.53"), 53))
            {
                Scheduler = "sh",
                PersistenceEngine = "sip",
                Flags = ServiceFlags.Persistent | ServiceFlags.Sched1 | ServiceFlags.Sched2,
                PersistenceTimeout = 300,
                NetmaskPrefixLength = 24,
            },
            service);
    }

    [Fact]
    public void Decodes_a_kernel_fwmark_ipv6_service_without_protocol()
    {
        var w = GenericNetlink.CreateWriter(Family, NetlinkConstants.NlmFMulti, IpvsGenl.CmdNewService, 1);
        w.BeginNested(IpvsGenl.CmdAttrService);
        w.PutU16(IpvsGenl.SvcAttrAf, 10);
        w.PutU32(IpvsGenl.SvcAttrFwmark, 9);
        w.PutString(IpvsGenl.SvcAttrSchedName, "rr");
        w.PutBytes(IpvsGenl.SvcAttrFlags, [0x02, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        w.PutU32(IpvsGenl.SvcAttrTimeout, 0);
        w.PutU32(IpvsGenl.SvcAttrNetmask, 64);
        w.EndNested();

        Assert.Equal(
            new VirtualService(ServiceKey.ForFirewallMark(9, AddressFamily.InterNetworkV6)) { Scheduler = "rr", NetmaskPrefixLength = 64 },
            IpvsMessageCodec.DecodeService(w.ToArray()));
    }

    [Fact]
    public void Non_contiguous_ipv4_netmask_decodes_to_minus_one()
    {
        var w = GenericNetlink.CreateWriter(Family, 0, IpvsGenl.CmdNewService, 1);
        w.BeginNested(IpvsGenl.CmdAttrService);
        w.PutU16(IpvsGenl.SvcAttrAf, 2);
        w.PutU32(IpvsGenl.SvcAttrFwmark, 1);
        w.PutString(IpvsGenl.SvcAttrSchedName, "rr");
        w.PutU32BigEndian(IpvsGenl.SvcAttrNetmask, 0x00000018); // what "ipvsadm -M 24" sends for IPv4
        w.EndNested();
        Assert.Equal(-1, IpvsMessageCodec.DecodeService(w.ToArray()).NetmaskPrefixLength);
    }

    [Fact]
    public void Decodes_a_kernel_destination_dump_entry()
    {
        // As ip_vs_genl_fill_dest writes it; conn_flags carry more than the forwarding method.
        var w = GenericNetlink.CreateWriter(Family, NetlinkConstants.NlmFMulti, IpvsGenl.CmdNewDest, 1);
        w.BeginNested(IpvsGenl.CmdAttrDest);
        w.PutBytes(IpvsGenl.DestAttrAddr, IPAddress.Parse("2001:db8::21").GetAddressBytes());
        w.PutU16BigEndian(IpvsGenl.DestAttrPort, 8080);
        w.PutU32(IpvsGenl.DestAttrFwdMethod, 0x0080 | 0x0002);
        w.PutU32(IpvsGenl.DestAttrWeight, 7);
        w.PutU8(IpvsGenl.DestAttrTunType, 1);
        w.PutU16BigEndian(IpvsGenl.DestAttrTunPort, 6080);
        w.PutU16(IpvsGenl.DestAttrTunFlags, 2);
        w.PutU32(IpvsGenl.DestAttrUThresh, 100);
        w.PutU32(IpvsGenl.DestAttrLThresh, 10);
        w.PutU32(IpvsGenl.DestAttrActiveConns, 3);
        w.PutU32(IpvsGenl.DestAttrInactConns, 4);
        w.PutU32(IpvsGenl.DestAttrPersistConns, 5);
        w.PutU16(IpvsGenl.DestAttrAddrFamily, 10);
        w.BeginNested(IpvsGenl.DestAttrStats);
        w.PutU32(1, 1);
        w.EndNested();
        w.EndNested();

        Assert.Equal(
            new ServiceDestination(IPAddress.Parse("2001:db8::21"), 8080)
            {
                ForwardingMethod = PacketForwarding.Tunnel,
                Weight = 7,
                TunnelType = TunnelEncapsulation.Gue,
                TunnelPort = 6080,
                TunnelFlags = TunnelOptions.RemoteChecksum,
                UpperThreshold = 100,
                LowerThreshold = 10,
            },
            IpvsMessageCodec.DecodeDestination(w.ToArray(), AddressFamily.InterNetwork));
    }

    [Fact]
    public void Destination_without_address_family_uses_the_services()
    {
        // Kernels before IPVS_DEST_ATTR_ADDR_FAMILY (4.3) and before the tunnel attributes (5.2).
        var w = GenericNetlink.CreateWriter(Family, NetlinkConstants.NlmFMulti, IpvsGenl.CmdNewDest, 1);
        w.BeginNested(IpvsGenl.CmdAttrDest);
        w.PutBytes(IpvsGenl.DestAttrAddr, [192, 168, 1, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        w.PutU16BigEndian(IpvsGenl.DestAttrPort, 80);
        w.PutU32(IpvsGenl.DestAttrFwdMethod, 0);
        w.PutU32(IpvsGenl.DestAttrWeight, 1);
        w.PutU32(IpvsGenl.DestAttrUThresh, 0);
        w.PutU32(IpvsGenl.DestAttrLThresh, 0);
        w.EndNested();

        Assert.Equal(
            new ServiceDestination(IPAddress.Parse("192.168.1.9"), 80) { ForwardingMethod = PacketForwarding.Masquerade },
            IpvsMessageCodec.DecodeDestination(w.ToArray(), AddressFamily.InterNetwork));
    }

    [Fact]
    public void Malformed_messages_throw_FormatException()
    {
        Assert.Throws<FormatException>(() => IpvsMessageCodec.DecodeService([1, 2, 3]));
        // NLMSG_DONE is not an IPVS message.
        Assert.Throws<FormatException>(() => IpvsMessageCodec.DecodeService(
            Convert.FromHexString("1400000003000200000000000000000000000000")));
        // NEW_SERVICE without the service nest.
        Assert.Throws<FormatException>(() => IpvsMessageCodec.DecodeService(
            GenericNetlink.CreateWriter(Family, 0, IpvsGenl.CmdNewService, 1).ToArray()));
        // Service nest without AF.
        var w = GenericNetlink.CreateWriter(Family, 0, IpvsGenl.CmdNewService, 1);
        w.BeginNested(IpvsGenl.CmdAttrService);
        w.PutU32(IpvsGenl.SvcAttrFwmark, 1);
        w.EndNested();
        Assert.Throws<FormatException>(() => IpvsMessageCodec.DecodeService(w.ToArray()));
        // A destination message handed to the service decoder.
        Assert.Throws<FormatException>(() => IpvsMessageCodec.DecodeService(
            GenericNetlink.CreateWriter(Family, 0, IpvsGenl.CmdNewDest, 1).ToArray()));
    }

    [Fact]
    public void Encoder_rejects_what_the_kernel_would()
    {
        var key = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
        Assert.Throws<ArgumentException>(() => IpvsMessageCodec.Encode(
            new IpvsCommand.AddService(new VirtualService(key) { Scheduler = "a-name-longer-than-15" }), Family));
        Assert.Throws<ArgumentException>(() => IpvsMessageCodec.Encode(
            new IpvsCommand.AddService(new VirtualService(key) { NetmaskPrefixLength = 33 }), Family));
        Assert.Throws<ArgumentException>(() => IpvsMessageCodec.Encode(
            new IpvsCommand.AddDestination(key, new ServiceDestination(IPAddress.Parse("10.0.0.2"), 80) { Weight = -1 }), Family));
    }

    [Fact]
    public void Hashed_flag_is_never_sent()
    {
        var key = ServiceKey.ForFirewallMark(3);
        var withHashed = new VirtualService(key) { Flags = ServiceFlags.Persistent | ServiceFlags.Hashed, PersistenceTimeout = 5 };
        var without = withHashed with { Flags = ServiceFlags.Persistent };
        Assert.Equal(
            IpvsMessageCodec.Encode(new IpvsCommand.AddService(without), Family),
            IpvsMessageCodec.Encode(new IpvsCommand.AddService(withHashed), Family));
    }
}
