using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>
/// Parses the subset of ipvsadm 1.31's command line that maps onto <see cref="IpvsCommand"/>:
/// -A/-E/-D/-a/-e/-d/-C/-Z/-L with -t/-u/--sctp-service/-f [-6], -s, -p [timeout], -M, --pe, -b, -o,
/// -r, -g/-m/-i, -w, -x, -y, --tun-type/--tun-port/--tun-nocsum/--tun-csum/--tun-remcsum, -n.
/// Short options cluster (-Ln) and take their argument attached or as the next word; long options
/// take "--name value" or "--name=value". Semantics follow ipvsadm: default scheduler wlc, default
/// weight 1, default forwarding -g, -p alone means 360 s, a real server without a port takes the
/// service's port, and for -a/-e with -g or -i on a non-fwmark service the real server's port is
/// forced to the service's port.
/// </summary>
/// <remarks>
/// Not supported (rejected with <see cref="FormatException"/>): host and service names (numeric
/// addresses and ports only), ipvsadm's acceptance of "-M 24" for IPv4 as the mask 0.0.0.24
/// (IPv4 masks must be dotted and contiguous), -R/-S, --set, the sync daemon and list-format options.
/// -L with a service maps to <see cref="IpvsCommand.ListDestinations"/> (ipvsadm sends a
/// GET_SERVICE for that one service first).
/// </remarks>
public static class IpvsadmCommandParser
{
    /// <summary>MAX_TIMEOUT in ipvsadm: 31 days.</summary>
    public const uint MaxTimeout = 86400 * 31;

    private enum Verb
    {
        None,
        AddService,
        EditService,
        DeleteService,
        AddServer,
        EditServer,
        DeleteServer,
        Clear,
        Zero,
        List,
    }

    private enum ArgKind
    {
        None,
        Required,
        Optional,
    }

    private sealed record OptionSpec(string Name, char Short, ArgKind Arg);

    private static readonly OptionSpec[] Options =
    [
        new("add-service", 'A', ArgKind.None),
        new("edit-service", 'E', ArgKind.None),
        new("delete-service", 'D', ArgKind.None),
        new("clear", 'C', ArgKind.None),
        new("add-server", 'a', ArgKind.None),
        new("edit-server", 'e', ArgKind.None),
        new("delete-server", 'd', ArgKind.None),
        new("list", 'L', ArgKind.None),
        new("list", 'l', ArgKind.None),
        new("zero", 'Z', ArgKind.None),
        new("tcp-service", 't', ArgKind.Required),
        new("udp-service", 'u', ArgKind.Required),
        new("sctp-service", '\0', ArgKind.Required),
        new("fwmark-service", 'f', ArgKind.Required),
        new("ipv6", '6', ArgKind.None),
        new("scheduler", 's', ArgKind.Required),
        new("persistent", 'p', ArgKind.Optional),
        new("netmask", 'M', ArgKind.Required),
        new("pe", '\0', ArgKind.Required),
        new("sched-flags", 'b', ArgKind.Required),
        new("ops", 'o', ArgKind.None),
        new("real-server", 'r', ArgKind.Required),
        new("gatewaying", 'g', ArgKind.None),
        new("masquerading", 'm', ArgKind.None),
        new("ipip", 'i', ArgKind.None),
        new("weight", 'w', ArgKind.Required),
        new("u-threshold", 'x', ArgKind.Required),
        new("l-threshold", 'y', ArgKind.Required),
        new("tun-type", '\0', ArgKind.Required),
        new("tun-port", '\0', ArgKind.Required),
        new("tun-nocsum", '\0', ArgKind.None),
        new("tun-csum", '\0', ArgKind.None),
        new("tun-remcsum", '\0', ArgKind.None),
        new("numeric", 'n', ArgKind.None),
    ];

    /// <summary>Parses one command line; a leading "ipvsadm" word is skipped. Words are separated by blanks (no quoting).</summary>
    /// <exception cref="FormatException">Unsupported or invalid syntax; the message says what.</exception>
    public static IpvsCommand Parse(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        return Parse(commandLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Parses an argument list (as ipvsadm's argv[1..]); a leading "ipvsadm" word is skipped.</summary>
    /// <exception cref="FormatException">Unsupported or invalid syntax; the message says what.</exception>
    public static IpvsCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var seen = new Dictionary<string, string?>(StringComparer.Ordinal);
        var verb = Verb.None;
        int start = args.Count > 0 && args[0] == "ipvsadm" ? 1 : 0;

        for (int i = start; i < args.Count; i++)
        {
            string word = args[i];
            if (word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2)
            {
                string name = word[2..];
                string? value = null;
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                var spec = Options.FirstOrDefault(o => o.Name == name)
                    ?? throw new FormatException($"Unknown option '--{name}'.");
                if (spec.Arg == ArgKind.None && value is not null)
                {
                    throw new FormatException($"Option '--{name}' takes no argument.");
                }
                if (value is null)
                {
                    value = TakeArgument(spec, args, ref i, $"--{name}");
                }
                Record(spec, value, seen, ref verb);
            }
            else if (word.Length > 1 && word[0] == '-')
            {
                for (int j = 1; j < word.Length; j++)
                {
                    char c = word[j];
                    var spec = Options.FirstOrDefault(o => o.Short == c && c != '\0')
                        ?? throw new FormatException($"Unknown option '-{c}'.");
                    string? value = null;
                    if (spec.Arg != ArgKind.None)
                    {
                        if (j + 1 < word.Length)
                        {
                            value = word[(j + 1)..];
                        }
                        else
                        {
                            value = TakeArgument(spec, args, ref i, $"-{c}");
                        }
                        Record(spec, value, seen, ref verb);
                        break;
                    }
                    Record(spec, null, seen, ref verb);
                }
            }
            else
            {
                throw new FormatException($"Unexpected argument '{word}'.");
            }
        }

        return Build(verb, seen);
    }

    private static string? TakeArgument(OptionSpec spec, IReadOnlyList<string> args, ref int i, string shown)
    {
        bool hasNext = i + 1 < args.Count;
        if (spec.Arg == ArgKind.Required)
        {
            if (!hasNext)
            {
                throw new FormatException($"Option '{shown}' needs an argument.");
            }
            return args[++i];
        }
        if (spec.Arg == ArgKind.Optional && hasNext && !args[i + 1].StartsWith('-'))
        {
            return args[++i];
        }
        return null;
    }

    private static void Record(OptionSpec spec, string? value, Dictionary<string, string?> seen, ref Verb verb)
    {
        var commandVerb = spec.Name switch
        {
            "add-service" => Verb.AddService,
            "edit-service" => Verb.EditService,
            "delete-service" => Verb.DeleteService,
            "clear" => Verb.Clear,
            "add-server" => Verb.AddServer,
            "edit-server" => Verb.EditServer,
            "delete-server" => Verb.DeleteServer,
            "list" => Verb.List,
            "zero" => Verb.Zero,
            _ => Verb.None,
        };
        if (commandVerb != Verb.None)
        {
            if (verb != Verb.None)
            {
                throw new FormatException("Multiple commands specified.");
            }
            verb = commandVerb;
            return;
        }
        // -t, -u, --sctp-service and -f are one option ("service"); -g, -m, -i another ("forward").
        string slot = spec.Name switch
        {
            "tcp-service" or "udp-service" or "sctp-service" or "fwmark-service" => "service",
            "gatewaying" or "masquerading" or "ipip" => "forward",
            _ => spec.Name,
        };
        if (!seen.TryAdd(slot, value))
        {
            throw new FormatException($"Multiple '{slot}' options specified.");
        }
        if (slot is "service" or "forward")
        {
            seen[slot + ":kind"] = spec.Name;
        }
    }

    private static IpvsCommand Build(Verb verb, Dictionary<string, string?> seen)
    {
        if (verb == Verb.None)
        {
            throw new FormatException("No command specified (one of -A -E -D -a -e -d -C -Z -L).");
        }

        string[] serviceSettings = ["scheduler", "persistent", "netmask", "pe", "sched-flags", "ops"];
        string[] serverSettings = ["forward", "weight", "u-threshold", "l-threshold", "tun-type", "tun-port", "tun-nocsum", "tun-csum", "tun-remcsum"];
        bool isServiceVerb = verb is Verb.AddService or Verb.EditService;
        bool isServerEditVerb = verb is Verb.AddServer or Verb.EditServer;
        bool isServerVerb = isServerEditVerb || verb == Verb.DeleteServer;
        string verbName = verb.ToString();

        Reject(seen, serviceSettings, !isServiceVerb, verbName);
        Reject(seen, serverSettings, !isServerEditVerb, verbName);
        Reject(seen, ["real-server"], !isServerVerb, verbName);
        Reject(seen, ["numeric"], verb != Verb.List, verbName);
        Reject(seen, ["service"], verb == Verb.Clear, verbName);
        if (seen.ContainsKey("ipv6") && !(seen.TryGetValue("service:kind", out var k) && k == "fwmark-service"))
        {
            throw new FormatException("-6 is only valid with -f.");
        }

        ServiceKey? key = seen.ContainsKey("service") ? ParseServiceKey(seen) : null;
        bool serviceRequired = verb is not (Verb.Clear or Verb.Zero or Verb.List);
        if (serviceRequired && key is null)
        {
            throw new FormatException($"The {verbName} command needs a service (-t, -u, --sctp-service or -f).");
        }

        switch (verb)
        {
            case Verb.Clear:
                return new IpvsCommand.Flush();
            case Verb.Zero:
                return new IpvsCommand.Zero(key);
            case Verb.List:
                return key is null ? new IpvsCommand.ListServices() : new IpvsCommand.ListDestinations(key);
            case Verb.DeleteService:
                return new IpvsCommand.DeleteService(key!);
            case Verb.AddService:
            case Verb.EditService:
                {
                    var service = ParseService(key!, seen);
                    return verb == Verb.AddService ? new IpvsCommand.AddService(service) : new IpvsCommand.EditService(service);
                }
            default:
                {
                    if (!seen.TryGetValue("real-server", out var serverText))
                    {
                        throw new FormatException($"The {verbName} command needs a real server (-r).");
                    }
                    var destination = ParseDestination(key!, serverText!, seen, verb == Verb.DeleteServer);
                    return verb switch
                    {
                        Verb.AddServer => new IpvsCommand.AddDestination(key!, destination),
                        Verb.EditServer => new IpvsCommand.EditDestination(key!, destination),
                        _ => new IpvsCommand.DeleteDestination(key!, destination.Address, destination.Port),
                    };
                }
        }
    }

    private static void Reject(Dictionary<string, string?> seen, string[] slots, bool illegal, string verbName)
    {
        if (!illegal)
        {
            return;
        }
        foreach (var slot in slots)
        {
            if (seen.ContainsKey(slot))
            {
                throw new FormatException($"Illegal '{slot}' option with the {verbName} command.");
            }
        }
    }

    private static ServiceKey ParseServiceKey(Dictionary<string, string?> seen)
    {
        string text = seen["service"]!;
        string kind = seen["service:kind"]!;
        if (kind == "fwmark-service")
        {
            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint mark) || mark == 0)
            {
                throw new FormatException($"Invalid fwmark value '{text}' specified.");
            }
            return ServiceKey.ForFirewallMark(mark,
                seen.ContainsKey("ipv6") ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
        }
        var protocol = kind switch
        {
            "tcp-service" => ServiceProtocol.Tcp,
            "udp-service" => ServiceProtocol.Udp,
            _ => ServiceProtocol.Sctp,
        };
        var (address, port) = ParseAddressPort(text, "virtual service");
        return ServiceKey.ForAddress(protocol, address, port ?? 0);
    }

    private static VirtualService ParseService(ServiceKey key, Dictionary<string, string?> seen)
    {
        var flags = ServiceFlags.None;
        uint timeout = 0;
        if (seen.TryGetValue("persistent", out var persistText))
        {
            flags |= ServiceFlags.Persistent;
            timeout = persistText is null ? VirtualService.DefaultPersistenceTimeout : ParseNumber(persistText, 1, MaxTimeout, "timeout");
        }
        if (seen.ContainsKey("ops"))
        {
            flags |= ServiceFlags.OnePacket;
        }
        if (seen.TryGetValue("sched-flags", out var schedFlags))
        {
            flags |= ParseSchedFlags(schedFlags!);
        }

        int prefix = key.MaxPrefixLength;
        if (seen.TryGetValue("netmask", out var maskText))
        {
            prefix = ParseNetmask(maskText!, key.Family);
        }

        string scheduler = seen.TryGetValue("scheduler", out var s) ? s! : VirtualService.DefaultScheduler;
        if (scheduler.Length == 0 || scheduler.Length >= IpvsGenl.NameMaxLength)
        {
            throw new FormatException($"Invalid scheduler name '{scheduler}'.");
        }
        string? engine = seen.TryGetValue("pe", out var pe) ? pe : null;
        if (engine is { Length: 0 or >= IpvsGenl.NameMaxLength })
        {
            throw new FormatException($"Invalid persistence engine name '{engine}'.");
        }

        if (!key.IsFirewallMark && key.Port == 0 && (flags & ServiceFlags.Persistent) == 0)
        {
            throw new FormatException("Zero port specified for non-persistent service.");
        }
        if ((flags & ServiceFlags.OnePacket) != 0 && !key.IsFirewallMark && key.Protocol != ServiceProtocol.Udp)
        {
            throw new FormatException("One-Packet Scheduling is only for UDP virtual services.");
        }

        return new VirtualService(key)
        {
            Scheduler = scheduler,
            Flags = flags,
            PersistenceTimeout = timeout,
            NetmaskPrefixLength = prefix,
            PersistenceEngine = engine,
        };
    }

    private static ServiceDestination ParseDestination(ServiceKey key, string text, Dictionary<string, string?> seen, bool forDelete)
    {
        var (address, port) = ParseAddressPort(text, "real server");
        var method = PacketForwarding.DirectRoute;
        if (seen.TryGetValue("forward:kind", out var fwd))
        {
            method = fwd switch
            {
                "masquerading" => PacketForwarding.Masquerade,
                "ipip" => PacketForwarding.Tunnel,
                _ => PacketForwarding.DirectRoute,
            };
        }
        if (address.AddressFamily != key.Family && method != PacketForwarding.Tunnel)
        {
            throw new FormatException("Different address family is allowed only for tunneling servers.");
        }

        ushort destinationPort = port ?? key.Port;
        if (!forDelete && !key.IsFirewallMark && method is PacketForwarding.DirectRoute or PacketForwarding.Tunnel)
        {
            // ipvsadm: with -g or -i the real server's port must be the service's.
            destinationPort = key.Port;
        }

        var destination = new ServiceDestination(address, destinationPort) { ForwardingMethod = method };
        if (seen.TryGetValue("weight", out var w))
        {
            destination = destination with { Weight = (int)ParseNumber(w!, 0, int.MaxValue, "weight") };
        }
        if (seen.TryGetValue("u-threshold", out var x))
        {
            destination = destination with { UpperThreshold = ParseNumber(x!, 0, int.MaxValue, "u_threshold") };
        }
        if (seen.TryGetValue("l-threshold", out var y))
        {
            destination = destination with { LowerThreshold = ParseNumber(y!, 0, int.MaxValue, "l_threshold") };
        }

        bool anyTunnelOption = seen.ContainsKey("tun-type") || seen.ContainsKey("tun-port")
            || seen.ContainsKey("tun-nocsum") || seen.ContainsKey("tun-csum") || seen.ContainsKey("tun-remcsum");
        if (anyTunnelOption && method != PacketForwarding.Tunnel)
        {
            throw new FormatException("Tunnel options are only valid with -i.");
        }
        if (seen.TryGetValue("tun-type", out var tunType))
        {
            destination = destination with
            {
                TunnelType = tunType switch
                {
                    "ipip" => TunnelEncapsulation.IpIp,
                    "gue" => TunnelEncapsulation.Gue,
                    "gre" => TunnelEncapsulation.Gre,
                    _ => throw new FormatException($"Invalid tunnel type '{tunType}' (ipip, gue or gre)."),
                },
            };
        }
        if (seen.TryGetValue("tun-port", out var tunPort))
        {
            if (destination.TunnelType != TunnelEncapsulation.Gue)
            {
                throw new FormatException("--tun-port is only valid with --tun-type gue.");
            }
            destination = destination with { TunnelPort = (ushort)ParseNumber(tunPort!, 1, 65535, "tunnel port") };
        }
        else if (destination.TunnelType == TunnelEncapsulation.Gue)
        {
            throw new FormatException("--tun-type gue needs --tun-port.");
        }
        int checksumOptions = (seen.ContainsKey("tun-nocsum") ? 1 : 0) + (seen.ContainsKey("tun-csum") ? 1 : 0)
            + (seen.ContainsKey("tun-remcsum") ? 1 : 0);
        if (checksumOptions > 1)
        {
            throw new FormatException("Only one of --tun-nocsum, --tun-csum and --tun-remcsum may be given.");
        }
        if (checksumOptions == 1 && destination.TunnelType == TunnelEncapsulation.IpIp)
        {
            throw new FormatException("Tunnel checksum options are only valid with --tun-type gue or gre.");
        }
        if (seen.ContainsKey("tun-csum"))
        {
            destination = destination with { TunnelFlags = TunnelOptions.Checksum };
        }
        else if (seen.ContainsKey("tun-remcsum"))
        {
            if (destination.TunnelType != TunnelEncapsulation.Gue)
            {
                throw new FormatException("--tun-remcsum is only valid with --tun-type gue.");
            }
            destination = destination with { TunnelFlags = TunnelOptions.RemoteChecksum };
        }
        return destination;
    }

    /// <summary>host[:port], [ipv6]:port or a bare IPv6 address; numeric only.</summary>
    private static (IPAddress Address, ushort? Port) ParseAddressPort(string text, string what)
    {
        string host = text;
        string? portText = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"Illegal {what} address[:port] '{text}' ([ipv6] needs a port).");
            }
            host = text[1..close];
            portText = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var bracketed) || bracketed.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new FormatException($"Illegal {what} address[:port] '{text}'.");
            }
        }
        else if (!(IPAddress.TryParse(text, out var bare) && bare.AddressFamily == AddressFamily.InterNetworkV6))
        {
            int colon = text.LastIndexOf(':');
            if (colon >= 0)
            {
                host = text[..colon];
                portText = text[(colon + 1)..];
            }
        }

        if (!IPAddress.TryParse(host, out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            throw new FormatException($"Illegal {what} address[:port] '{text}' (numeric addresses only).");
        }
        if (portText is null)
        {
            return (address, null);
        }
        return (address, (ushort)ParseNumber(portText, 0, 65535, $"{what} port"));
    }

    private static int ParseNetmask(string text, AddressFamily family)
    {
        if (family == AddressFamily.InterNetworkV6)
        {
            return (int)ParseNumber(text, 1, 128, "IPv6 netmask");
        }
        var parts = text.Split('.');
        if (parts.Length != 4 || !IPAddress.TryParse(text, out var mask) || mask.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new FormatException($"Illegal virtual server persistent mask '{text}' (dotted IPv4 mask expected).");
        }
        Span<byte> bytes = stackalloc byte[4];
        mask.TryWriteBytes(bytes, out _);
        int prefix = IpvsMessageCodec.MaskToPrefix(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes));
        if (prefix < 0)
        {
            throw new FormatException($"Persistent mask '{text}' is not contiguous.");
        }
        return prefix;
    }

    private static ServiceFlags ParseSchedFlags(string text)
    {
        var flags = ServiceFlags.None;
        foreach (var name in text.Split(','))
        {
            flags |= name switch
            {
                "flag-1" or "sh-fallback" => ServiceFlags.Sched1,
                "flag-2" or "sh-port" => ServiceFlags.Sched2,
                "flag-3" => ServiceFlags.Sched3,
                _ => throw new FormatException($"Invalid scheduler flag '{name}'."),
            };
        }
        return flags;
    }

    private static uint ParseNumber(string text, uint min, uint max, string what)
    {
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) || value < min || value > max)
        {
            throw new FormatException($"Invalid {what} '{text}' (expected {min}..{max}).");
        }
        return value;
    }
}
