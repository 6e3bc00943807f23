using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Netlink;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>
/// The sync daemon requests against Debian ipvsadm 1.31's own (tests/TestData/ipvs-golden/daemon-golden.txt, captured by
/// ../shared/ipvs-golden's capture.sh from daemon-cases.txt): encoded byte for byte, decoded back, rendered as the same line.
/// </summary>
public sealed class IpvsDaemonGoldenTests
{
    public static TheoryData<string> Arguments => [.. Commands.Keys];

    private static readonly Dictionary<string, IpvsCommand> Commands = new()
    {
        ["--start-daemon master --mcast-interface eth0 --syncid 0"] = new IpvsCommand.StartDaemon(new(IpvsSyncRole.Master, "eth0", 0)),
        ["--start-daemon backup --mcast-interface eth0 --syncid 0"] = new IpvsCommand.StartDaemon(new(IpvsSyncRole.Backup, "eth0", 0)),
        ["--start-daemon master --mcast-interface eth1 --syncid 7"] = new IpvsCommand.StartDaemon(new(IpvsSyncRole.Master, "eth1", 7)),
        ["--start-daemon backup --mcast-interface bond0.10 --syncid 255"] = new IpvsCommand.StartDaemon(new(IpvsSyncRole.Backup, "bond0.10", 255)),
        ["--start-daemon master --mcast-interface eth0 --syncid 3 --sync-maxlen 1400"] = new IpvsCommand.StartDaemon(new(IpvsSyncRole.Master, "eth0", 3, 1400)),
        ["--stop-daemon master"] = new IpvsCommand.StopDaemon(IpvsSyncRole.Master),
        ["--stop-daemon backup"] = new IpvsCommand.StopDaemon(IpvsSyncRole.Backup),
        ["--stop-daemon master --syncid 7"] = new IpvsCommand.StopDaemon(IpvsSyncRole.Master, 7),
        ["-L --daemon"] = new IpvsCommand.ListDaemons(),
    };

    [Fact]
    public void Every_captured_case_is_checked()
    {
        string casesPath = Path.Combine(Path.GetDirectoryName(IpvsGolden.DaemonGoldenPath)!, "daemon-cases.txt");
        var cases = File.ReadAllLines(casesPath).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(cases, IpvsGolden.DaemonCases.Select(c => c.Arguments).ToList());
        Assert.Equal(cases.Order(), Commands.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Arguments))]
    public void Encodes_as_ipvsadm_does(string arguments)
    {
        var golden = Assert.Single(IpvsGolden.DaemonCases.Single(c => c.Arguments == arguments).Requests);
        Assert.Equal(golden, Convert.ToHexStringLower(IpvsMessageCodec.Encode(Commands[arguments], IpvsGolden.FamilyId)));
    }

    [Theory]
    [MemberData(nameof(Arguments))]
    public void Captured_bytes_decode_to_the_command(string arguments)
    {
        var golden = Assert.Single(IpvsGolden.DaemonCases.Single(c => c.Arguments == arguments).Requests);
        Assert.Equal(Commands[arguments], IpvsMessageCodec.DecodeCommand(Convert.FromHexString(golden)));
    }

    [Theory]
    [MemberData(nameof(Arguments))]
    public void Renders_as_the_ipvsadm_line(string arguments) =>
        Assert.Equal("ipvsadm " + arguments, IpvsadmCommandRenderer.Render(Commands[arguments]));

    [Fact]
    public void A_kernel_dump_reply_decodes_with_the_length_it_settled_on()
    {
        // As ip_vs_genl_dump_daemon answers: state, interface, sync ID, the SYNC_MAXLEN it settled on (1472 on a 1500-byte
        // MTU), then multicast port (7) and TTL (8), which the model skips.
        var writer = GenericNetlink.CreateWriter(IpvsGolden.FamilyId, 0, IpvsGenl.CmdNewDaemon, IpvsGenl.Version, 0, 0);
        writer.BeginNested(IpvsGenl.CmdAttrDaemon);
        writer.PutU32(IpvsGenl.DaemonAttrState, 2);
        writer.PutString(IpvsGenl.DaemonAttrMcastIfn, "eth1");
        writer.PutU32(IpvsGenl.DaemonAttrSyncId, 9);
        writer.PutU16(IpvsGenl.DaemonAttrSyncMaxLen, 1472);
        writer.PutU16BigEndian(7, 8848);
        writer.PutU8(8, 1);
        writer.EndNested();
        Assert.Equal(new IpvsSyncDaemon(IpvsSyncRole.Backup, "eth1", 9, 1472), IpvsMessageCodec.DecodeDaemon(writer.ToArray()));
    }

    [Fact]
    public void A_daemon_with_an_unknown_state_or_interface_name_is_refused()
    {
        var bad = IpvsMessageCodec.Encode(new IpvsCommand.StartDaemon(new(IpvsSyncRole.Master, "eth0", 0)), IpvsGolden.FamilyId);
        bad[28] = 3; // the STATE attribute's value: neither master nor backup
        Assert.Throws<FormatException>(() => IpvsMessageCodec.DecodeDaemon(bad));
        Assert.Throws<ArgumentException>(() => IpvsMessageCodec.Encode(new IpvsCommand.StartDaemon(new(IpvsSyncRole.Master, "sixteen-chars-xx", 0)), 1));
        Assert.Throws<ArgumentException>(() => IpvsMessageCodec.Encode(new IpvsCommand.StartDaemon(new(IpvsSyncRole.Master, "", 0)), 1));
    }
}
