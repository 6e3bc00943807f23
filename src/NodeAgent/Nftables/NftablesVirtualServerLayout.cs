using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// Everything the renderer writes for one virtual server, computed once: object names, match
/// expressions, the slot table and the rules of its chain. Two layouts with the same
/// <see cref="Shape"/> differ only in map elements and chain rules, which an incremental update
/// can replace without touching the rest of the table.
/// </summary>
internal sealed class NftablesVirtualServerLayout
{
    private NftablesVirtualServerLayout(LoadBalancedService server)
    {
        var key = server.Key;
        bool v6 = key.Family == AddressFamily.InterNetworkV6;
        string family = v6 ? "ip6" : "ip";
        Chain = ChainName(key);
        CheckDestinations(server, v6);

        // A firewall-mark service keeps the packet's port when its real servers have port 0;
        // an address service sends to the real server's port, or to its own when that is 0.
        WithPort = !key.IsFirewallMark || server.Destinations.Any(d => d.Port != 0);
        if (key.IsFirewallMark && WithPort && server.Destinations.Any(d => d.Port == 0))
        {
            throw new ArgumentException($"{key}: nftables cannot mix real servers with and without a port in one firewall-mark service.", nameof(server));
        }

        string l4 = key.IsFirewallMark ? "meta l4proto { tcp, udp, sctp }" : $"meta l4proto {Protocol(key.Protocol)}";
        string nfproto = v6 ? "ipv6" : "ipv4";
        string mark = key.FirewallMark.ToString(CultureInfo.InvariantCulture);
        ServiceMatch = key.IsFirewallMark
            ? $"meta nfproto {nfproto} meta mark {mark}"
            : $"{family} daddr {key.Address} {l4} th dport {key.Port}";
        // Postrouting sees the first packet after DNAT: match the connection's original destination.
        OriginalMatch = key.IsFirewallMark
            ? $"meta nfproto {nfproto} meta mark {mark} {l4}"
            : $"ct original {family} daddr {key.Address} {l4} ct original proto-dst {key.Port}";

        string addressType = v6 ? "ipv6_addr" : "ipv4_addr";
        // nft 1.0.6 cannot reload a map typed with "th dport" and then add a rule that uses it
        // ("conflicting protocols specified: tcp vs. th"): address services name their protocol;
        // a firewall-mark service with ports (tcp, udp or sctp) keeps its slots in an anonymous map.
        string valueExpression = !WithPort ? $"{family} daddr"
            : key.IsFirewallMark ? $"{family} daddr . th dport"
            : $"{family} daddr . {Protocol(key.Protocol)} dport";
        NamedBackends = !(key.IsFirewallMark && WithPort);
        BackendsMap = Chain + "_backends";
        // typeof takes only the datatype of the numgen expression (a plain integer, which no
        // named type matches); its modulus is irrelevant here.
        BackendsMapType = $"typeof numgen inc mod 1 : {valueExpression}";

        var mapping = NftablesScheduler.Map(server.Service, server.Destinations);
        Slots = mapping.Slots.Select(d => Value(d, key)).ToList();
        Values = server.Destinations.Select(d => Value(d, key)).ToHashSet();
        if (server.Destinations.Any(d => d.ForwardingMethod is PacketForwarding.DirectRoute or PacketForwarding.Tunnel))
        {
            // nftables rewrites addresses only; the load balancer refuses DR and TUN before they get here.
            throw new ArgumentException($"{key}: nftables cannot forward by DR or TUN", nameof(server));
        }

        var notes = new List<string>(mapping.Notes);

        // nft 1.0.6 aborts (netlink_linearize.c: "dreg < ctx->reg_low") on an update of a map from
        // an IPv6 key to an IPv6 address . port value, so such a service goes without persistence.
        bool persistenceUnsupported = v6 && WithPort;
        if (server.Service.IsPersistent && persistenceUnsupported)
        {
            notes.Add($"{key}: persistence is not rendered for an IPv6 service with ports (nft 1.0.6 cannot update such a map); connections are scheduled one by one.");
        }
        if (server.Service.IsPersistent && !persistenceUnsupported)
        {
            PersistMap = Chain + "_persist";
            int prefix = server.Service.NetmaskPrefixLength;
            PersistKey = prefix >= key.MaxPrefixLength || prefix < 0
                ? $"{family} saddr"
                : $"{family} saddr & {Mask(prefix, v6)}";
            // A persistent service without a timeout gets ipvsadm's default, as -p alone does.
            uint timeout = server.Service.PersistenceTimeout == 0 ? VirtualService.DefaultPersistenceTimeout : server.Service.PersistenceTimeout;
            PersistMapBody =
            [
                $"type {addressType} : {addressType}{(WithPort ? " . inet_service" : "")}",
                "flags dynamic,timeout",
                $"timeout {timeout}s",
            ];
            // Recorded after DNAT in postrouting (the first packet of each new connection passes
            // there once); update refreshes the timeout, so a client stays as long as it keeps coming.
            PersistUpdate = $"update @{PersistMap} {{ {PersistKey} : {valueExpression} }} ";
        }

        var rules = new List<string>();
        if (PersistMap is not null)
        {
            // A known client goes back to its server, whatever its weight now (as IPVS templates do).
            rules.Add($"{l4} dnat {family} to {PersistKey} map @{PersistMap}");
        }
        if (Slots.Count > 0)
        {
            string selector = mapping.Selector.Replace("{saddr}", $"{family} saddr", StringComparison.Ordinal)
                .Replace("{daddr}", $"{family} daddr", StringComparison.Ordinal);
            // A fixed seed keeps a hashed client on the same slot across full renders and agent restarts.
            string seed = mapping.IsHash ? " seed 0x0" : "";
            string comment = mapping.Comment is null ? "" : $" comment \"{mapping.Comment}\"";
            string map = NamedBackends ? $"@{BackendsMap}" : $"{{ {string.Join(", ", SlotElements())} }}";
            rules.Add($"{l4} dnat {family} to {selector} mod {Slots.Count}{seed} map {map}{comment}");
        }
        else
        {
            rules.Add("drop comment \"no real server with weight above 0\"");
        }
        ChainRules = rules;
        Notes = notes;
        Shape = string.Join('\n', [NamedBackends ? "named" : "anonymous", ServiceMatch, OriginalMatch, BackendsMapType, PersistUpdate ?? "", .. PersistMapBody ?? []]);
    }

    /// <summary>The virtual server's own chain; its maps are named after it.</summary>
    public string Chain { get; }

    /// <summary>False when the slots live in an anonymous map inside the chain's rule instead of <see cref="BackendsMap"/>.</summary>
    public bool NamedBackends { get; }

    public string BackendsMap { get; }

    public string BackendsMapType { get; }

    /// <summary>Null unless the service is persistent.</summary>
    public string? PersistMap { get; }

    public IReadOnlyList<string>? PersistMapBody { get; }

    public string? PersistKey { get; }

    /// <summary>The statement recording a new connection's server, with a trailing space; null unless persistent.</summary>
    public string? PersistUpdate { get; }

    /// <summary>True when map values carry a port (<c>addr . port</c>), false for address only.</summary>
    public bool WithPort { get; }

    /// <summary>Matches new connections to this virtual server in the services chain.</summary>
    public string ServiceMatch { get; }

    /// <summary>Matches this virtual server's connections in postrouting, after DNAT.</summary>
    public string OriginalMatch { get; }

    /// <summary>Rendered map values, slot by slot.</summary>
    public IReadOnlyList<string> Slots { get; }

    /// <summary>Rendered values of every real server, weight 0 included (persistent clients may still use those).</summary>
    public IReadOnlySet<string> Values { get; }

    public IReadOnlyList<string> ChainRules { get; }

    public IReadOnlyList<string> Notes { get; }

    /// <summary>Everything outside the map elements and chain rules; equal shapes allow an incremental update.</summary>
    public string Shape { get; }

    public static NftablesVirtualServerLayout Of(LoadBalancedService server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new NftablesVirtualServerLayout(server);
    }

    /// <summary>
    /// vs_tcp_10_77_7_250_80, vs_udp_2001_db8__1_53, vs_fwm_5_ip6: canonical address text with
    /// separators turned into underscores, which is unique per key and a valid nft identifier.
    /// </summary>
    public static string ChainName(ServiceKey key)
    {
        if (key.IsFirewallMark)
        {
            return $"vs_fwm_{key.FirewallMark.ToString(CultureInfo.InvariantCulture)}_{(key.Family == AddressFamily.InterNetworkV6 ? "ip6" : "ip")}";
        }
        string address = key.Address!.ToString().Replace('.', '_').Replace(':', '_');
        return $"vs_{Protocol(key.Protocol)}_{address}_{key.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    public IEnumerable<string> SlotElements() => Slots.Select((value, i) => $"{i.ToString(CultureInfo.InvariantCulture)} : {value}");

    private string Value(ServiceDestination destination, ServiceKey key)
    {
        if (!WithPort)
        {
            return destination.Address.ToString();
        }
        ushort port = destination.Port == 0 ? key.Port : destination.Port;
        return $"{destination.Address} . {port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static void CheckDestinations(LoadBalancedService server, bool v6)
    {
        var seen = new HashSet<(IPAddress, ushort)>();
        foreach (var destination in server.Destinations)
        {
            ArgumentNullException.ThrowIfNull(destination.Address);
            if ((destination.Address.AddressFamily == AddressFamily.InterNetworkV6) != v6)
            {
                throw new ArgumentException($"{server.Key}: real server {destination.Address} is of another address family; nftables NAT cannot translate between families.", nameof(server));
            }
            if (destination.Weight < 0)
            {
                throw new ArgumentException($"{server.Key}: real server {destination.Address} has negative weight {destination.Weight}.", nameof(server));
            }
            ushort port = destination.Port == 0 ? server.Key.Port : destination.Port;
            if (!seen.Add((destination.Address, port)))
            {
                throw new ArgumentException($"{server.Key}: real server {destination.Address} port {port} is listed twice.", nameof(server));
            }
        }
    }

    private static string Mask(int prefix, bool v6)
    {
        var bytes = new byte[v6 ? 16 : 4];
        for (int bit = 0; bit < prefix; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes).ToString();
    }

    private static string Protocol(ServiceProtocol protocol) => protocol switch
    {
        ServiceProtocol.Tcp => "tcp",
        ServiceProtocol.Udp => "udp",
        ServiceProtocol.Sctp => "sctp",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "An address service is TCP, UDP or SCTP."),
    };
}
