using System.Text.Json;
using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>
/// Converts one virtual_server block. keepalived checks each real server with its own checker block; a VirtualServer
/// has one health check for all of them, so the real servers' checks must agree (they do in practice) or the first
/// one is used and the difference reported. A <c>virtual_server group NAME</c> becomes one virtual server per member of
/// its virtual_server_group, each with the block's settings.
/// </summary>
/// <param name="groups">The file's virtual_server_group blocks by name.</param>
public sealed class VirtualServerConverter(ConfigValueReader reader, IReadOnlyDictionary<string, ConfigNode> groups)
{
    /// <summary>An address range of a group (keepalived's A.B.C.D-E) expands to at most this many virtual servers.</summary>
    public const int MaxRange = 256;

    private static readonly HashSet<string> Schedulers = new(StringComparer.Ordinal)
    {
        "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf", "twos",
    };

    private static readonly HashSet<string> ForwardingMethods = new(StringComparer.Ordinal) { "DR", "NAT", "TUN" };

    private static readonly HashSet<string> Protocols = new(StringComparer.Ordinal) { "TCP", "UDP", "SCTP" };

    private static readonly Dictionary<string, string> NoEquivalent = new(StringComparer.Ordinal)
    {
        ["MISC_CHECK"] = "no equivalent: KeepOperator runs no scripts; use a TCP_CHECK or HTTP_GET",
        ["SMTP_CHECK"] = "no equivalent (checks are TCP or HTTP); a TCP check on port 25 is the nearest",
        ["DNS_CHECK"] = "no equivalent (checks are TCP or HTTP)",
        ["UDP_CHECK"] = "no equivalent (checks are TCP or HTTP)",
        ["PING_CHECK"] = "no equivalent (checks are TCP or HTTP)",
        ["FILE_CHECK"] = "no equivalent (checks are TCP or HTTP)",
        ["BFD_CHECK"] = "no equivalent (checks are TCP or HTTP)",
        ["notify_up"] = "no equivalent: KeepOperator runs no scripts; a real server's state is shown in the VirtualServer's status",
        ["notify_down"] = "no equivalent: KeepOperator runs no scripts; a real server's state is shown in the VirtualServer's status",
        ["inhibit_on_failure"] = "no per-real-server equivalent; spec.inhibitOnFailure applies to all real servers",
        ["uthreshold"] = "no equivalent (connection thresholds are not set)",
        ["lthreshold"] = "no equivalent (connection thresholds are not set)",
        ["virtualhost"] = "no equivalent: HTTP checks send the real server's address as Host",
        ["ha_suspend"] = "no equivalent: checks run whether or not this node holds the address",
        ["alpha"] = "no equivalent: real servers start as up",
        ["omega"] = "no equivalent",
        ["quorum_up"] = "no equivalent: KeepOperator runs no scripts",
        ["quorum_down"] = "no equivalent: KeepOperator runs no scripts",
        ["sorry_server_inhibit"] = "no equivalent",
        ["sorry_server_lvs_method"] = "no equivalent: the sorry server uses the virtual server's forwarding",
    };

    public IReadOnlyList<ConvertedVirtualServer> Convert(ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Args is not ["group", var groupName, ..])
        {
            return ConvertOne(node) is { } one ? [one] : [];
        }

        reader.IgnoreExtraWords(node, 2);
        if (!groups.TryGetValue(groupName, out var group))
        {
            reader.Diagnostics.Error(node.Location, $"virtual_server group {groupName}: no virtual_server_group {groupName}");
            return [];
        }

        var servers = new List<ConvertedVirtualServer>();
        foreach (var member in group.Block)
        {
            foreach (var args in GroupMember(member))
            {
                // Each member read afresh (the specs must not share objects); a message about the block is given once.
                if (ConvertOne(node with { Args = args, Location = member.Location }) is { } server)
                {
                    servers.Add(server);
                }
            }
        }

        reader.Diagnostics.Note(node.Location, $"virtual_server group {groupName}: one VirtualServer per member of its virtual_server_group ({servers.Count})");
        return servers;
    }

    /// <summary>A virtual_server_group line as the words of a virtual_server: "ADDRESS PORT", a range expanded, "fwmark N".</summary>
    private IEnumerable<string[]> GroupMember(ConfigNode member)
    {
        string[] words = [member.Keyword, .. member.Args];
        var dash = member.Keyword.LastIndexOf('-');
        if (words is ["fwmark", ..] || dash < 0)
        {
            return [words];
        }

        var first = member.Keyword[..dash];
        var ipv6 = first.Contains(':', StringComparison.Ordinal);
        var style = ipv6 ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None;
        var separator = ipv6 ? ':' : '.';
        var lastPart = first[(first.LastIndexOf(separator) + 1)..];
        if (!int.TryParse(lastPart, style, System.Globalization.CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(member.Keyword[(dash + 1)..], style, System.Globalization.CultureInfo.InvariantCulture, out var to)
            || to < from || to - from >= MaxRange)
        {
            reader.Diagnostics.Error(member.Location, $"virtual_server_group: \"{member.Keyword}\" is not an address range of at most {MaxRange} (A.B.C.D-E)");
            return [];
        }

        var prefix = first[..^lastPart.Length];
        return Enumerable.Range(from, to - from + 1)
            .Select(n => (string[])[prefix + n.ToString(ipv6 ? "x" : "D", System.Globalization.CultureInfo.InvariantCulture), .. member.Args]);
    }

    private ConvertedVirtualServer? ConvertOne(ConfigNode node)
    {
        var spec = new VirtualServerSpec();
        string? address = null;
        switch (node.Args)
        {
            case ["fwmark", var mark, ..]:
                spec.Fwmark = ParseNumber(node, mark, 1, int.MaxValue, "fwmark");
                reader.IgnoreExtraWords(node, 2);
                break;
            case [var ip, var port, ..]:
                address = ParseAddress(node, ip);
                spec.Port = ParseNumber(node, port, 1, 65535, "port");
                reader.IgnoreExtraWords(node, 2);
                break;
            default:
                reader.Diagnostics.Error(node.Location, "virtual_server: expected ADDRESS PORT or fwmark NUMBER");
                return null;
        }

        string? interval = null;
        var realServers = new List<(RealServer Server, HealthCheck? Check, SourceLocation Location)>();
        foreach (var child in node.Block)
        {
            switch (child.Keyword)
            {
                case "delay_loop":
                    interval = reader.Seconds(child, 86400);
                    break;
                case "lb_algo" or "lvs_sched":
                    spec.Scheduler = Choice(child, Schedulers);
                    break;
                case "lb_kind" or "lvs_method":
                    spec.Forwarding = Choice(child, ForwardingMethods);
                    break;
                case "persistence_timeout":
                    // keepalived: the keyword alone means 6 minutes.
                    spec.PersistenceTimeout = child.Args.Count == 0 ? GoDuration.Format(TimeSpan.FromSeconds(360)) : reader.Seconds(child, 86400 * 31);
                    break;
                case "persistence_granularity":
                    spec.PersistenceNetmask = reader.Word(child);
                    break;
                case "protocol":
                    spec.Protocol = Choice(child, Protocols);
                    break;
                case "sorry_server":
                    spec.SorryServer = ReadServer(child);
                    break;
                case "quorum":
                    spec.Quorum ??= new Quorum();
                    spec.Quorum.Minimum = reader.Integer(child, 1, int.MaxValue) ?? 1;
                    break;
                case "hysteresis":
                    // keepalived's quorum defaults to 1 when only hysteresis is given.
                    spec.Quorum ??= new Quorum { Minimum = 1 };
                    spec.Quorum.Hysteresis = reader.Integer(child, 0, int.MaxValue);
                    break;
                case "inhibit_on_failure":
                    reader.IgnoreExtraWords(child, 0);
                    spec.InhibitOnFailure = true;
                    break;
                case "real_server":
                    if (ReadRealServer(child) is { } realServer)
                    {
                        realServers.Add(realServer);
                    }

                    break;
                default:
                    WarnNotConverted(child, "virtual_server");
                    break;
            }
        }

        if (realServers.Count > 0)
        {
            spec.RealServers = realServers.Select(r => r.Server).ToList();
        }

        spec.HealthCheck = CommonCheck(realServers, spec.Port, interval, node.Location);
        return new ConvertedVirtualServer(address, spec, node.Location);
    }

    private void WarnNotConverted(ConfigNode node, string block)
    {
        if (NoEquivalent.TryGetValue(node.Keyword, out var why))
        {
            reader.NotConverted(node, why);
        }
        else
        {
            reader.Unknown(node, block);
        }
    }

    private string? Choice(ConfigNode node, IReadOnlySet<string> allowed)
    {
        var value = reader.Word(node);
        if (value is not null && !allowed.Contains(value))
        {
            reader.Diagnostics.Error(node.Location, $"{node.Keyword}: expected one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}, got \"{value}\"");
            return null;
        }

        return value;
    }

    private string? ParseAddress(ConfigNode node, string text)
    {
        if (!VirtualIpValidator.TryParseAddress(text, out var ip, out _, out var hasPrefix) || hasPrefix)
        {
            reader.Diagnostics.Error(node.Location, $"{node.Keyword}: \"{text}\" is not an IP address");
            return null;
        }

        return ip.ToString();
    }

    private int? ParseNumber(ConfigNode node, string text, int min, int max, string what) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : Invalid(node, $"{what} must be a number from {min} to {max}, got \"{text}\"");

    private int? Invalid(ConfigNode node, string message)
    {
        reader.Diagnostics.Error(node.Location, $"{node.Keyword}: {message}");
        return null;
    }

    private RealServer? ReadServer(ConfigNode node)
    {
        if (node.Args.Count == 0)
        {
            reader.Diagnostics.Error(node.Location, $"{node.Keyword}: expected ADDRESS [PORT]");
            return null;
        }

        var address = ParseAddress(node, node.Args[0]);
        var port = node.Args.Count > 1 ? ParseNumber(node, node.Args[1], 1, 65535, "port") : null;
        reader.IgnoreExtraWords(node, 2);
        return address is null ? null : new RealServer { Address = address, Port = port };
    }

    private (RealServer, HealthCheck?, SourceLocation)? ReadRealServer(ConfigNode node)
    {
        if (ReadServer(node) is not { } server)
        {
            return null;
        }

        HealthCheck? check = null;
        foreach (var child in node.Block)
        {
            switch (child.Keyword)
            {
                case "weight":
                    server.Weight = reader.Integer(child, 0, 65535);
                    break;
                case "TCP_CHECK" or "HTTP_GET" or "SSL_GET":
                    var read = ReadCheck(child);
                    if (check is null)
                    {
                        check = read;
                    }
                    else
                    {
                        reader.NotConverted(child, "a real server has one check here; the first one is used");
                    }

                    break;
                default:
                    WarnNotConverted(child, "real_server");
                    break;
            }
        }

        return (server, check, node.Location);
    }

    private HealthCheck ReadCheck(ConfigNode node)
    {
        var check = new HealthCheck();
        int? port = null;
        string? connectTimeout = null;
        // SSL_GET is HTTP_GET over TLS, the certificate not verified (as keepalived).
        HttpHealthCheck? http = node.Keyword switch
        {
            "HTTP_GET" => new HttpHealthCheck(),
            "SSL_GET" => new HttpHealthCheck { Tls = true },
            _ => null,
        };
        var urls = 0;
        foreach (var child in node.Block)
        {
            switch (child.Keyword)
            {
                case "connect_port":
                    port = reader.Integer(child, 1, 65535);
                    break;
                case "connect_timeout":
                    connectTimeout = reader.Seconds(child, 86400);
                    break;
                case "retry" or "nb_get_retry":
                    check.Retries = reader.Integer(child, 0, int.MaxValue);
                    break;
                case "delay_before_retry":
                    check.DelayBeforeRetry = reader.Seconds(child, 86400);
                    break;
                case "url" when http is not null:
                    if (urls++ == 0)
                    {
                        ReadUrl(child, http);
                    }
                    else
                    {
                        reader.NotConverted(child, "an HTTP check requests one URL; the first one is used");
                    }

                    break;
                default:
                    WarnNotConverted(child, node.Keyword);
                    break;
            }
        }

        if (http is not null)
        {
            http.Port = port;
            http.ConnectTimeout = connectTimeout;
            check.Http = http;
        }
        else
        {
            check.Tcp = new TcpHealthCheck { Port = port, ConnectTimeout = connectTimeout };
        }

        return check;
    }

    private void ReadUrl(ConfigNode node, HttpHealthCheck http)
    {
        foreach (var child in node.Block)
        {
            switch (child.Keyword)
            {
                case "path":
                    http.Path = reader.Word(child);
                    break;
                case "status_code":
                    // keepalived 2.x takes several codes and ranges: "status_code 200 301-302".
                    var ranges = string.Join(',', child.Args);
                    if (!HttpStatusRanges.TryParse(ranges, out _, out var error))
                    {
                        reader.Diagnostics.Error(child.Location, $"status_code: {error}");
                    }
                    else
                    {
                        http.ExpectedStatus = ranges;
                    }

                    break;
                case "digest":
                    http.Digest = reader.Word(child)?.ToLowerInvariant();
                    break;
                case "regex":
                    http.BodyRegex = reader.Word(child);
                    reader.Diagnostics.Note(child.Location, "regex: converted to bodyRegex, a .NET regular expression (keepalived's is POSIX extended); check it means the same");
                    break;
                default:
                    WarnNotConverted(child, "url");
                    break;
            }
        }
    }

    /// <summary>
    /// The one check for all real servers: theirs when they agree; a check port equal to each server's own port is
    /// the default, so servers on different ports with "connect_port = own port" agree too.
    /// </summary>
    private HealthCheck? CommonCheck(List<(RealServer Server, HealthCheck? Check, SourceLocation Location)> realServers, int? port, string? interval, SourceLocation location)
    {
        var withCheck = realServers.Where(r => r.Check is not null).ToList();
        if (withCheck.Count == 0)
        {
            if (interval is not null)
            {
                reader.Diagnostics.Warning(location, "delay_loop: not converted: no real server has a TCP_CHECK, HTTP_GET or SSL_GET");
            }

            return null;
        }

        foreach (var (_, _, serverLocation) in realServers.Where(r => r.Check is null))
        {
            reader.Diagnostics.Warning(serverLocation, "real_server without a check: it is checked like the others now");
        }

        HealthCheck? common = null;
        if (AllSame(withCheck.Select(r => r.Check!)))
        {
            common = withCheck[0].Check!;
        }
        else
        {
            var normalized = withCheck.Select(r => WithoutOwnPort(r.Check!, r.Server.Port ?? port)).ToList();
            if (AllSame(normalized))
            {
                common = normalized[0];
            }
        }

        if (common is null)
        {
            common = withCheck[0].Check!;
            foreach (var (_, _, serverLocation) in withCheck.Skip(1).Where(r => Json(r.Check!) != Json(common)))
            {
                reader.Diagnostics.Warning(serverLocation, $"real_server check differs from the first real server's ({withCheck[0].Location}): a VirtualServer has one check for all; the first is used");
            }
        }

        common.Interval = interval;
        return common;
    }

    private static HealthCheck WithoutOwnPort(HealthCheck check, int? ownPort)
    {
        var copy = JsonSerializer.Deserialize(Json(check), ApiJsonContext.Default.HealthCheck)!;
        if (copy.Tcp?.Port == ownPort && copy.Tcp is not null)
        {
            copy.Tcp.Port = null;
        }

        if (copy.Http?.Port == ownPort && copy.Http is not null)
        {
            copy.Http.Port = null;
        }

        return copy;
    }

    private static bool AllSame(IEnumerable<HealthCheck> checks) => checks.Select(Json).Distinct(StringComparer.Ordinal).Count() == 1;

    private static string Json(HealthCheck check) => JsonSerializer.Serialize(check, ApiJsonContext.Default.HealthCheck);
}
