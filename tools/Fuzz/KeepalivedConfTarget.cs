using System.Text;
using System.Text.RegularExpressions;
using KeepOperator.Operator.Convert;

namespace KeepOperator.Fuzz;

/// <summary>
/// A keepalived.conf through the whole of <c>keepoperator convert</c>: lexer, parser (includes resolve to the file
/// itself, so cycles are exercised), converter, merger and the YAML it prints. The input is the file's UTF-8 text.
/// An accepted file prints YAML; a rejected one prints nothing and has an error, whose message, with its variable
/// parts blanked, is the outcome.
/// </summary>
public sealed partial class KeepalivedConfTarget : IFuzzTarget
{
    private const string FileName = "keepalived.conf";

    private static readonly string[] Keywords =
    [
        "global_defs", "router_id", "vrrp_instance", "vrrp_script", "vrrp_sync_group", "virtual_server", "virtual_server_group",
        "real_server", "TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "url", "path", "digest", "status_code", "virtual_ipaddress",
        "virtual_ipaddress_excluded", "virtual_routes", "authentication", "auth_type", "auth_pass", "PASS", "AH", "track_script",
        "track_interface", "state", "MASTER", "BACKUP", "interface", "dev", "label", "virtual_router_id", "priority", "advert_int",
        "version", "nopreempt", "preempt_delay", "unicast_src_ip", "unicast_peer", "weight", "script", "interval", "rise", "fall",
        "timeout", "lb_algo", "rr", "wlc", "sh", "lb_kind", "DR", "NAT", "TUN", "protocol", "TCP", "UDP", "persistence_timeout",
        "delay_loop", "connect_ip", "connect_port", "connect_timeout", "nb_get_retry", "retry", "delay_before_retry", "fwmark",
        "sorry_server", "quorum", "hysteresis", "alpha", "omega", "notify_master", "notify_backup", "notify", "include",
        "include *.conf", "include keepalived.conf", "include missing/*", "\ninclude /etc/keepalived/*.conf\n", "{", "}", "\"", "!", "#", "\\#", "\\!", "\n", "\r\n", "\t",
        "10.0.0.1", "10.0.0.1/24", "fd00::1", "fd00::1/64", "224.0.0.18", "80", "0", "-1", "255", "256", "65536", "1.5", "0.001",
        "99999999999999999999", "4294967296", "-9223372036854775809", "1e9", "NaN", "VI_1", "\u00e9", "\u202e", "\ufeff", "\u0000",
        "\ud83d\ude00",
    ];

    public string Name => "keepalived-conf";

    public IReadOnlyList<byte[]> Dictionary { get; } = Keywords.Select(Encoding.UTF8.GetBytes).ToArray();

    public IEnumerable<byte[]> SeedsFrom(string path) => [File.ReadAllBytes(path)];

    public string Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        var result = KeepalivedConverter.Convert([FileName], new Dictionary<string, string>(), new SelfIncludingFile(FileName, text));
        int lines = text.Split('\n').Length;
        foreach (var diagnostic in result.Diagnostics)
        {
            FuzzOutcome.Require(
                diagnostic.Location is not { } at || (at.File == FileName && at.Line >= 1 && at.Line <= lines),
                $"a diagnostic names a line of the file ({diagnostic})");
        }

        if (result.Succeeded)
        {
            FuzzOutcome.Require(result.VirtualIps.Count + result.VirtualServers.Count == 0 || result.Yaml.Length > 0, "converted documents are printed");
            return FuzzOutcome.Accepted;
        }

        FuzzOutcome.Require(result.Yaml.Length == 0, "a rejected file prints nothing");
        return Shape(result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error).Message);
    }

    /// <summary>The message with what came from the input blanked: quoted words, numbers, names and include patterns.</summary>
    internal static string Shape(string message)
    {
        var shape = NamedBlock().Replace(message, "$1 …:");
        shape = Quoted().Replace(shape, "\"…\"");
        shape = Through().Replace(shape, "(through …)");
        shape = Digits().Replace(shape, "N");
        return shape.Length <= 80 ? shape : shape[..80];
    }

    /// <summary>"include PATTERN:", "vrrp_instance NAME:", "virtual_server fwmark N:" and the like.</summary>
    [GeneratedRegex("^(include|vrrp_instance|vrrp_script|virtual_server) [^:]*:")]
    private static partial Regex NamedBlock();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Quoted();

    [GeneratedRegex("\\(through [^)]*\\)")]
    private static partial Regex Through();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    /// <summary>Just the fuzzed file; every include pattern that matches at all matches the file itself (a cycle).</summary>
    private sealed class SelfIncludingFile(string path, string text) : IConfigFileSource
    {
        public bool TryRead(string file, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? content, out string error)
        {
            content = file == path ? text : null;
            error = content is null ? "No such file or directory" : "";
            return content is not null;
        }

        public IReadOnlyList<string> Glob(string pattern) =>
            System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(pattern, path, ignoreCase: false) ? [path] : [];
    }
}
