using System.Globalization;
using System.Net;
using KeepOperator.Api;
using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>
/// The 25 keepalived.conf samples Debian's keepalived 2.2.7 ships (tests/TestData/keepalived-samples, GPL-2.0+, its
/// copyright beside them): each converts, and what it says about VRRP and LVS comes out the same. The expectation is
/// read from each sample by a small reader of its own over the converter's parser (keepalived's semantics written out
/// again, not the converter's code): instances, addresses and priorities; virtual servers, schedulers, forwarding,
/// persistence, real servers and weights, and checks.
/// </summary>
public class KeepalivedSamplesTests
{
    /// <summary>Checkers with no place in a VirtualServer's health check: the virtual server converts without it, and the converter says so at the line.</summary>
    private static readonly string[] UnplacedCheckers = ["MISC_CHECK", "SMTP_CHECK", "UDP_CHECK", "PING_CHECK", "DNS_CHECK", "FILE_CHECK", "BFD_CHECK"];

    private static string Directory => Path.Combine(RepoPaths.TestData, "keepalived-samples");

    public static TheoryData<string> Samples => [.. System.IO.Directory.GetFiles(Directory, "keepalived.conf.*").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Fact]
    public void All_25_samples_are_here_with_keepalived_s_licence()
    {
        Assert.Equal(25, Samples.Count);
        Assert.Contains("GNU General Public License", File.ReadAllText(Path.Combine(Directory, "COPYRIGHT")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Converts_with_the_same_instances_addresses_and_priorities(string sample)
    {
        var (result, expected) = ConvertAndRead(sample);
        Assert.Equal(expected.Instances.Select(i => (i.Vrid, i.Interface, i.Addresses)).Distinct().Count(), result.VirtualIps.Count);
        foreach (var instance in expected.Instances)
        {
            var vip = Assert.Single(result.VirtualIps, v => v.Spec.VirtualRouterId == instance.Vrid && v.Spec.Interface == instance.Interface && AddressSet(v.Spec.Addresses) == instance.Addresses);
            var priority = Assert.Single(vip.Spec.Priorities!, p => p.NodeName == instance.Node);
            Assert.Equal(Math.Min(instance.Priority, 254), priority.Priority); // 255 (address owner) is 254 here, with a warning
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Converts_with_the_same_virtual_and_real_servers_and_checks(string sample)
    {
        var (result, expected) = ConvertAndRead(sample);
        Assert.Equal(expected.Servers.Count, result.VirtualServers.Count);
        foreach (var server in expected.Servers)
        {
            var converted = Assert.Single(result.VirtualServers, v => ServiceOf(v, result.VirtualIps) == server.Service);
            var spec = converted.Spec;
            Assert.Equal(server.Scheduler, spec.Scheduler);
            Assert.Equal(server.Forwarding, spec.Forwarding);
            Assert.Equal(server.Persistence, spec.PersistenceTimeout is { } p ? GoDuration.Parse(p) : null);
            Assert.Equal(server.RealServers, RealServersOf(spec));
            Assert.Equal(server.Check, CheckOf(spec.HealthCheck));
            Assert.All(server.CheckTargets, target => Assert.Contains(target, CheckTargetsOf(spec)));
            if (spec.VirtualIpRef is null)
            {
                // Static: on the node's own address (a fwmark needs none), on the one node the sample is.
                Assert.Equal(server.Service.Address, spec.Address);
                Assert.Equal(expected.Nodes, spec.NodeSelector?.Values.ToList() ?? ["(every node)"]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_checker_with_no_place_is_named_at_its_line(string sample)
    {
        var (result, expected) = ConvertAndRead(sample);
        foreach (var (keyword, location) in expected.DroppedCheckers)
        {
            Assert.Contains(result.Diagnostics, d => d.Location == location && d.Message.StartsWith(keyword + ": not converted", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_conditional_sample_is_one_node_per_config_id()
    {
        var path = Path.Combine(Directory, "keepalived.conf.conditional_conf");
        var result = KeepalivedConverter.Convert([path], new Dictionary<string, string> { ["high"] = "n1", ["low"] = "n2" }, PhysicalConfigFileSource.Instance);
        var vip = Assert.Single(result.VirtualIps);
        Assert.Equal([("n1", 170), ("n2", 85)], vip.Spec.Priorities!.Select(p => (p.NodeName, p.Priority)));
    }

    [Fact]
    public void The_lvs_syncd_sample_keeps_its_sync_daemon_on_the_instance_that_names_it()
    {
        var (result, _) = ConvertAndRead("keepalived.conf.vrrp.lvs_syncd");
        var synced = Assert.Single(result.VirtualIps, v => v.Spec.ConnectionSync is not null);
        Assert.Equal((51, "eth1"), (synced.Spec.VirtualRouterId, synced.Spec.ConnectionSync!.Interface));
        Assert.Contains("connectionSync:", result.Yaml, StringComparison.Ordinal);
    }

    private static (ConversionResult Result, Expected Expected) ConvertAndRead(string sample)
    {
        var path = Path.Combine(Directory, sample);
        var result = KeepalivedConverter.Convert([path], new Dictionary<string, string>(), PhysicalConfigFileSource.Instance);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.NotEmpty(result.Yaml);
        return (result, Expected.Read(path));
    }

    private static string AddressSet(IEnumerable<string> addresses) =>
        string.Join(',', addresses.Select(a => IPAddress.Parse(a.Split('/')[0]).ToString()).Distinct().Order(StringComparer.Ordinal));

    private static Service ServiceOf(VirtualServer server, IReadOnlyList<VirtualIp> vips)
    {
        var spec = server.Spec;
        var address = spec.Address
            ?? (spec.VirtualIpRef is { } vip ? IPAddress.Parse(vips.Single(v => v.Metadata.Name == vip).Spec.Addresses[0].Split('/')[0]).ToString() : null);
        return spec.Fwmark is { } mark ? new(null, null, mark, "TCP") : new(address, spec.Port, null, spec.Protocol ?? "TCP");
    }

    private static string RealServersOf(VirtualServerSpec spec) =>
        string.Join(' ', (spec.RealServers ?? []).Select(r => $"{r.Address}:{r.Port ?? spec.Port}*{r.Weight ?? 1}").Order(StringComparer.Ordinal));

    private static string? CheckOf(HealthCheck? check) => check switch
    {
        null => null,
        { Tcp: { } tcp } => $"tcp timeout={Seconds(tcp.ConnectTimeout)} every={Seconds(check.Interval)} retry={check.Retries} delay={Seconds(check.DelayBeforeRetry)}",
        { Http: { } http } => $"http tls={http.Tls ?? false} path={http.Path} digest={http.Digest} status={http.ExpectedStatus} timeout={Seconds(http.ConnectTimeout)} every={Seconds(check.Interval)} retry={check.Retries} delay={Seconds(check.DelayBeforeRetry)}",
        _ => "?",
    };

    /// <summary>Where each real server is checked: the check's port, else its own.</summary>
    private static List<string> CheckTargetsOf(VirtualServerSpec spec) =>
        spec.HealthCheck is not { } check ? []
            : [.. (spec.RealServers ?? []).Select(r => $"{r.Address}:{check.Tcp?.Port ?? check.Http?.Port ?? r.Port ?? spec.Port}")];

    private static string Seconds(string? duration) => duration is null ? "-" : GoDuration.Parse(duration).TotalSeconds.ToString(CultureInfo.InvariantCulture);

    private sealed record Service(string? Address, int? Port, int? Fwmark, string Protocol);

    private sealed record Instance(string Node, int Vrid, string Interface, string Addresses, int Priority);

    private sealed record Server(Service Service, string? Scheduler, string? Forwarding, TimeSpan? Persistence, string RealServers, string? Check, List<string> CheckTargets);

    /// <summary>What a sample says, read by keepalived's rules; a file with @NAME lines is one host per NAME.</summary>
    private sealed class Expected
    {
        public List<Instance> Instances { get; } = [];

        public List<Server> Servers { get; } = [];

        public List<string> Nodes { get; } = [];

        public List<(string Keyword, SourceLocation Location)> DroppedCheckers { get; } = [];

        public static Expected Read(string path)
        {
            var expected = new Expected();
            var names = new SortedSet<string>(StringComparer.Ordinal);
            var plain = KeepalivedParser.ParseFile(path, PhysicalConfigFileSource.Instance, new Diagnostics(), conditionNames: names)!;
            IEnumerable<(string?, IReadOnlyList<ConfigNode>)> hosts = names.Count == 0
                ? [(null, plain)]
                : names.Select(n => ((string?)n, KeepalivedParser.ParseFile(path, PhysicalConfigFileSource.Instance, new Diagnostics(), n)!));
            foreach (var (configId, nodes) in hosts)
            {
                var node = configId
                    ?? nodes.Where(n => n.Keyword == "global_defs").SelectMany(n => n.Block).FirstOrDefault(n => n.Keyword == "router_id")?.Args[0]
                    ?? Path.GetFileNameWithoutExtension(path);
                expected.Nodes.Add(node);
                expected.ReadHost(node, nodes, servers: expected.Servers.Count == 0);
            }

            return expected;
        }

        private void ReadHost(string node, IReadOnlyList<ConfigNode> nodes, bool servers)
        {
            foreach (var instance in nodes.Where(n => n.Keyword == "vrrp_instance"))
            {
                var addresses = instance.Block.Where(c => c.Keyword is "virtual_ipaddress" or "virtual_ipaddress_excluded").SelectMany(c => c.Block).Select(a => a.Keyword);
                var state = Value(instance, "state");
                Instances.Add(new(node, int.Parse(Value(instance, "virtual_router_id")!, CultureInfo.InvariantCulture), Value(instance, "interface")!,
                    AddressSet(addresses), Value(instance, "priority") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : state == "MASTER" ? 255 : 100));
            }

            if (!servers)
            {
                return; // the hosts of a conditional file share their virtual servers
            }

            var groups = nodes.Where(n => n.Keyword == "virtual_server_group").ToDictionary(n => n.Args[0], StringComparer.Ordinal);
            foreach (var block in nodes.Where(n => n.Keyword == "virtual_server"))
            {
                var protocol = Value(block, "protocol") ?? "TCP";
                var services = block.Args[0] == "group"
                    ? groups[block.Args[1]].Block.SelectMany(m => Members(m, protocol))
                    : [Service([.. block.Args], protocol)];
                foreach (var service in services)
                {
                    Servers.Add(ReadServer(block, service));
                }
            }
        }

        private Server ReadServer(ConfigNode block, Service service)
        {
            var realServers = block.Block.Where(c => c.Keyword == "real_server").ToList();
            var check = realServers.SelectMany(r => r.Block).FirstOrDefault(c => c.Keyword is "TCP_CHECK" or "HTTP_GET" or "SSL_GET");
            foreach (var dropped in realServers.SelectMany(r => r.Block).Where(c => UnplacedCheckers.Contains(c.Keyword)))
            {
                DroppedCheckers.Add((dropped.Keyword, dropped.Location));
            }

            var persistence = Value(block, "persistence_timeout") is { } t ? TimeSpan.FromSeconds(double.Parse(t, CultureInfo.InvariantCulture)) : (TimeSpan?)null;
            return new(
                service,
                Value(block, "lb_algo") ?? Value(block, "lvs_sched"),
                Value(block, "lb_kind") ?? Value(block, "lvs_method"),
                persistence,
                string.Join(' ', realServers.Select(r => $"{r.Args[0]}:{(r.Args.Count > 1 ? r.Args[1] : service.Port?.ToString(CultureInfo.InvariantCulture))}*{Value(r, "weight") ?? "1"}").Order(StringComparer.Ordinal)),
                check is null ? null : Check(check, Value(block, "delay_loop")),
                [.. realServers.Select(r => (Server: r, Check: r.Block.FirstOrDefault(c => c.Keyword is "TCP_CHECK" or "HTTP_GET" or "SSL_GET")))
                    .Where(r => r.Check is not null)
                    .Select(r => $"{r.Server.Args[0]}:{Value(r.Check!, "connect_port") ?? (r.Server.Args.Count > 1 ? r.Server.Args[1] : service.Port?.ToString(CultureInfo.InvariantCulture))}")]);
        }

        private static string Check(ConfigNode check, string? delayLoop)
        {
            var timeout = Value(check, "connect_timeout") ?? "-";
            var timers = $"every={delayLoop ?? "-"} retry={Value(check, "retry") ?? Value(check, "nb_get_retry")} delay={Value(check, "delay_before_retry") ?? "-"}";
            if (check.Keyword == "TCP_CHECK")
            {
                return $"tcp timeout={timeout} {timers}";
            }

            // keepalived checks every url; the converter keeps the first (and says so).
            var url = check.Block.First(c => c.Keyword == "url");
            var status = url.Block.FirstOrDefault(c => c.Keyword == "status_code") is { } codes ? string.Join(',', codes.Args) : null;
            return $"http tls={check.Keyword == "SSL_GET"} path={Value(url, "path")} digest={Value(url, "digest")} status={status} timeout={timeout} {timers}";
        }

        private static IEnumerable<Service> Members(ConfigNode member, string protocol)
        {
            if (member.Keyword == "fwmark")
            {
                return [Service(["fwmark", .. member.Args], protocol)];
            }

            // A.B.C.D-E (IPv4, decimal) or ...:X-Y (IPv6, hex): the last part ranges.
            var range = member.Keyword.Split('-');
            if (range.Length == 1)
            {
                return [Service([member.Keyword, .. member.Args], protocol)];
            }

            var v6 = range[0].Contains(':', StringComparison.Ordinal);
            var cut = range[0].LastIndexOf(v6 ? ':' : '.') + 1;
            var style = v6 ? NumberStyles.HexNumber : NumberStyles.Integer;
            var from = int.Parse(range[0][cut..], style, CultureInfo.InvariantCulture);
            var to = int.Parse(range[1], style, CultureInfo.InvariantCulture);
            return Enumerable.Range(from, to - from + 1)
                .Select(n => Service([range[0][..cut] + n.ToString(v6 ? "x" : "D", CultureInfo.InvariantCulture), .. member.Args], protocol));
        }

        private static Service Service(string[] words, string protocol) => words[0] == "fwmark"
            ? new(null, null, int.Parse(words[1], CultureInfo.InvariantCulture), "TCP")
            : new(IPAddress.Parse(words[0]).ToString(), int.Parse(words[1], CultureInfo.InvariantCulture), null, protocol);

        private static string? Value(ConfigNode node, string keyword) =>
            node.Block.FirstOrDefault(c => c.Keyword == keyword) is { Args: [var first, ..] } ? first : null;
    }
}
