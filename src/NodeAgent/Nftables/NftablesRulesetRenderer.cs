using System.Text;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// Pure renderer of IPVS-style virtual servers into nftables NAT rules, for hosts whose kernel has
/// no IPVS. Everything lives in one table of our own, <c>inet keepoperator</c>; no other table is
/// read or written.
/// </summary>
/// <remarks>
/// <para>Layout: base chains <c>prerouting</c> (nat, dstnat) and <c>output</c> (nat, -100, for
/// connections the director opens itself) jump to <c>services</c>, which sends each virtual
/// server's new connections to its own chain <c>vs_...</c>. That chain DNATs through the map
/// <c>vs_..._backends</c> (slot number to real server), indexed by the scheduler's selector (see
/// <see cref="NftablesScheduler"/>); a firewall-mark service whose real servers have ports keeps
/// its slots in an anonymous map in that rule instead (nft 1.0.6 cannot reuse a named map typed by
/// <c>th dport</c>). <c>postrouting</c> (nat, srcnat) masquerades connections that
/// were DNATed to a real server, so replies return through the director whatever the real server's
/// default route; the real servers therefore see the director's address, not the client's.</para>
/// <para>Forwarding methods: NAT only. nftables can only rewrite addresses, so virtual servers asking for
/// direct routing or tunnelling are refused before they get here (LoadBalancing.ForwardingSupport).</para>
/// <para>Persistence: a dynamic map <c>vs_..._persist</c> (client address, masked by the
/// persistence netmask, to real server) with the persistence timeout. postrouting records each new
/// connection's real server with <c>update</c>, which refreshes the timeout; the virtual server's
/// chain looks the client up first and falls through to the scheduler when it is unknown.</para>
/// <para>A full render deletes and re-creates the table in one transaction (<c>add table</c> first so
/// the delete cannot fail on a fresh host). Deleting rather than flushing also drops chains and
/// maps of virtual servers that are gone, and maps whose type changed, which a flush would keep.</para>
/// </remarks>
public static class NftablesRulesetRenderer
{
    public const string Family = "inet";
    public const string TableName = "keepoperator";
    public const string Table = Family + " " + TableName;

    /// <summary>The whole table for <paramref name="desired"/>, replacing whatever our table held.</summary>
    /// <exception cref="ArgumentException">A service key repeats, or a virtual server cannot be expressed (see the message).</exception>
    public static NftablesScript RenderFull(IReadOnlyList<LoadBalancedService> desired)
    {
        var layouts = Layouts(desired);
        var text = new StringBuilder();
        text.Append("add table ").Append(Table).Append('\n');
        text.Append("delete table ").Append(Table).Append('\n');
        text.Append("table ").Append(Table).Append(" {\n");
        foreach (var layout in layouts)
        {
            if (layout.NamedBackends)
            {
                text.Append("\tmap ").Append(layout.BackendsMap).Append(" {\n");
                text.Append("\t\t").Append(layout.BackendsMapType).Append('\n');
                if (layout.Slots.Count > 0)
                {
                    text.Append("\t\telements = { ").AppendJoin(", ", layout.SlotElements()).Append(" }\n");
                }
                text.Append("\t}\n");
            }
            if (layout.PersistMap is not null)
            {
                text.Append("\tmap ").Append(layout.PersistMap).Append(" {\n");
                foreach (var line in layout.PersistMapBody!)
                {
                    text.Append("\t\t").Append(line).Append('\n');
                }
                text.Append("\t}\n");
            }
        }
        Chain(text, "prerouting", "type nat hook prerouting priority dstnat; policy accept;", ["jump services"]);
        // nft 1.0.6 accepts the symbolic "dstnat" only in prerouting; -100 is its value.
        Chain(text, "output", "type nat hook output priority -100; policy accept;", ["jump services"]);
        Chain(text, "postrouting", "type nat hook postrouting priority srcnat; policy accept;",
            layouts.Select(l => $"ct status dnat {l.OriginalMatch} {l.PersistUpdate}masquerade").ToList());
        Chain(text, "services", null, layouts.Select(l => $"{l.ServiceMatch} goto {l.Chain}").ToList());
        foreach (var layout in layouts)
        {
            Chain(text, layout.Chain, null, layout.ChainRules);
        }
        text.Append("}\n");
        return new NftablesScript(text.ToString(), layouts.SelectMany(l => l.Notes).ToList());
    }

    /// <summary>
    /// A transaction that replaces only the slot maps and chains of virtual servers whose real
    /// servers or scheduler changed; every other object keeps its state (counters, persistence entries).
    /// A persistence map is flushed when one of its possible values went away.
    /// </summary>
    /// <exception cref="ArgumentException">A pair differs in more than its real servers and scheduler; that needs <see cref="RenderFull"/>.</exception>
    public static NftablesScript RenderUpdate(IReadOnlyList<(LoadBalancedService Before, LoadBalancedService After)> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var text = new StringBuilder();
        var notes = new List<string>();
        foreach (var (beforeServer, afterServer) in changes)
        {
            var before = NftablesVirtualServerLayout.Of(beforeServer);
            var after = NftablesVirtualServerLayout.Of(afterServer);
            if (!CanUpdateInPlace(before, after))
            {
                throw new ArgumentException($"{afterServer.Key} changed more than its real servers and scheduler; render the full table.", nameof(changes));
            }
            text.Append("flush chain ").Append(Table).Append(' ').Append(after.Chain).Append('\n');
            if (after.NamedBackends)
            {
                text.Append("flush map ").Append(Table).Append(' ').Append(after.BackendsMap).Append('\n');
            }
            if (after.NamedBackends && after.Slots.Count > 0)
            {
                text.Append("add element ").Append(Table).Append(' ').Append(after.BackendsMap)
                    .Append(" { ").AppendJoin(", ", after.SlotElements()).Append(" }\n");
            }
            if (after.PersistMap is not null && !before.Values.IsSubsetOf(after.Values))
            {
                text.Append("flush map ").Append(Table).Append(' ').Append(after.PersistMap).Append('\n');
            }
            foreach (var rule in after.ChainRules)
            {
                text.Append("add rule ").Append(Table).Append(' ').Append(after.Chain).Append(' ').Append(rule).Append('\n');
            }
            notes.AddRange(after.Notes);
        }
        return new NftablesScript(text.ToString(), notes);
    }

    /// <summary>Deletes our table; a no-op when it does not exist.</summary>
    public static string RenderRemove() => $"add table {Table}\ndelete table {Table}\n";

    /// <summary>True when <paramref name="after"/> differs from <paramref name="before"/> at most in its real servers and scheduler, so <see cref="RenderUpdate"/> applies.</summary>
    public static bool CanUpdateInPlace(LoadBalancedService before, LoadBalancedService after) =>
        CanUpdateInPlace(NftablesVirtualServerLayout.Of(before), NftablesVirtualServerLayout.Of(after));

    internal static bool CanUpdateInPlace(NftablesVirtualServerLayout before, NftablesVirtualServerLayout after) =>
        before.Chain == after.Chain && before.Shape == after.Shape;

    internal static List<NftablesVirtualServerLayout> Layouts(IReadOnlyList<LoadBalancedService> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var keys = new HashSet<ServiceKey>();
        foreach (var server in servers)
        {
            if (!keys.Add(server.Key))
            {
                throw new ArgumentException($"Virtual server {server.Key} is listed twice.", nameof(servers));
            }
        }
        return servers.Select(NftablesVirtualServerLayout.Of).ToList();
    }

    private static void Chain(StringBuilder text, string name, string? hook, IReadOnlyList<string> rules)
    {
        text.Append("\tchain ").Append(name).Append(" {\n");
        if (hook is not null)
        {
            text.Append("\t\t").Append(hook).Append('\n');
        }
        foreach (var rule in rules)
        {
            text.Append("\t\t").Append(rule).Append('\n');
        }
        text.Append("\t}\n");
    }
}
