using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>
/// Merges the nodes' converted files: the vrrp_instances of one VRRP group (same virtual_router_id, interface and
/// addresses) become one VirtualIp with every node's priority; identical virtual_server blocks (same address, port,
/// protocol and settings, real servers in any order) become one VirtualServer on the VirtualIp holding the address, or,
/// when no vrrp_instance holds it (keepalived as an LVS-only director), a static VirtualServer on the nodes whose files have it.
/// </summary>
public sealed class ConvertedFileMerger(Diagnostics diagnostics)
{
    /// <summary>The node's name, as the kubelet labels it: what a one-node static VirtualServer selects.</summary>
    private const string HostnameLabel = "kubernetes.io/hostname";

    public (List<VirtualIp> VirtualIps, List<VirtualServer> VirtualServers) Merge(IReadOnlyList<ConvertedFile> files, IReadOnlyDictionary<string, string> nodeNames)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(nodeNames);
        var nodeOf = NodeNames(files, nodeNames);
        var virtualIps = MergeInstances(files, nodeOf);
        var virtualServers = MergeVirtualServers(files, virtualIps, nodeOf);
        return (virtualIps.Select(v => v.VirtualIp).ToList(), virtualServers);
    }

    /// <summary>Each file's node, by file (one file converted per config id has several).</summary>
    private Dictionary<ConvertedFile, string> NodeNames(IReadOnlyList<ConvertedFile> files, IReadOnlyDictionary<string, string> map)
    {
        var nodeOf = new Dictionary<ConvertedFile, string>(ReferenceEqualityComparer.Instance);
        var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var node = map.GetValueOrDefault(file.RouterId, file.RouterId);
            nodeOf[file] = node;
            if (!fileOf.TryAdd(node, file.Path))
            {
                diagnostics.Error(null, $"{fileOf[node]} and {file.Path} are both node \"{node}\" (router_id or --node-name-map): give each node its own name");
            }
        }

        foreach (var key in map.Keys.Where(k => !files.Any(f => f.RouterId == k)))
        {
            diagnostics.Warning(null, $"--node-name-map {key}={map[key]}: no file has router_id {key}");
        }

        return nodeOf;
    }

    private List<(VirtualIp VirtualIp, SourceLocation Location)> MergeInstances(IReadOnlyList<ConvertedFile> files, Dictionary<ConvertedFile, string> nodeOf)
    {
        var groups = new List<List<(ConvertedInstance Instance, string Node)>>();
        foreach (var file in files)
        {
            foreach (var instance in file.Instances)
            {
                var group = groups.Find(g => SameGroup(g[0].Instance.Spec, instance.Spec));
                if (group is null)
                {
                    groups.Add([(instance, nodeOf[file])]);
                }
                else
                {
                    group.Add((instance, nodeOf[file]));
                }
            }
        }

        WarnVrrpIdClashes(groups.Select(g => g[0].Instance).ToList());
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(VirtualIp, SourceLocation)>();
        foreach (var group in groups)
        {
            var (first, _) = group[0];
            var spec = first.Spec;
            spec.Priorities = [];
            UnionUnicastPeers(group.Select(g => g.Instance.Spec).ToList());
            foreach (var (instance, node) in group)
            {
                if (spec.Priorities.Exists(p => p.NodeName == node))
                {
                    diagnostics.Error(instance.Location, $"vrrp_instance {instance.InstanceName}: node \"{node}\" already has an instance of this VRRP group ({first.Location})");
                    continue;
                }

                if (!ReferenceEquals(instance, first))
                {
                    WarnDifferences(first, instance);
                }

                spec.Priorities.Add(new NodePriority { NodeName = node, Priority = instance.Priority });
            }

            var name = DnsName.Unique(DnsName.From(first.InstanceName, "vrrp-instance"), taken);
            result.Add((new VirtualIp { Metadata = new ObjectMeta { Name = name }, Spec = spec }, first.Location));
        }

        return result;
    }

    /// <summary>
    /// Each node's keepalived lists the others (and maybe itself as unicast_src_ip); the VirtualIp lists them all, in
    /// order of first mention, and each node leaves out its own.
    /// </summary>
    private static void UnionUnicastPeers(List<VirtualIpSpec> specs)
    {
        var peers = specs.SelectMany(s => s.Unicast?.Peers ?? []).Distinct(StringComparer.Ordinal).ToList();
        foreach (var unicast in specs.Select(s => s.Unicast).OfType<VrrpUnicast>())
        {
            unicast.Peers = [.. peers];
        }
    }

    private static bool SameGroup(VirtualIpSpec a, VirtualIpSpec b) =>
        a.VirtualRouterId == b.VirtualRouterId && a.Interface == b.Interface && AddressKey(a) == AddressKey(b);

    private static string AddressKey(VirtualIpSpec spec) => string.Join(',', spec.Addresses.Order(StringComparer.Ordinal));

    private void WarnVrrpIdClashes(List<ConvertedInstance> firsts)
    {
        for (var i = 0; i < firsts.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (firsts[i].Spec.VirtualRouterId == firsts[j].Spec.VirtualRouterId && firsts[i].Spec.Interface == firsts[j].Spec.Interface)
                {
                    diagnostics.Warning(firsts[i].Location,
                        $"vrrp_instance {firsts[i].InstanceName}: same virtual_router_id {firsts[i].Spec.VirtualRouterId} and interface as {firsts[j].Location} but other addresses: not merged, two VirtualIps; they would fight over one VRRP group");
                }
            }
        }
    }

    private void WarnDifferences(ConvertedInstance first, ConvertedInstance other)
    {
        if (first.InstanceName != other.InstanceName)
        {
            diagnostics.Note(other.Location, $"vrrp_instance {other.InstanceName} is merged with {first.InstanceName} ({first.Location}) and named after it");
        }

        // The addresses are the same set (the group's key); the first file's order is kept.
        var a = JsonSerializer.SerializeToNode(first.Spec, ApiJsonContext.Default.VirtualIpSpec)!.AsObject();
        var b = JsonSerializer.SerializeToNode(other.Spec, ApiJsonContext.Default.VirtualIpSpec)!.AsObject();
        var fields = a.Select(p => p.Key).Union(b.Select(p => p.Key))
            .Where(key => key is not ("priorities" or "addresses") && !JsonNode.DeepEquals(a[key], b[key]))
            .ToList();
        foreach (var field in fields)
        {
            diagnostics.Warning(other.Location, $"vrrp_instance {other.InstanceName}: {field} differs from {first.Location} ({Show(a[field])} there, {Show(b[field])} here): the first file's is used");
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "unset";

    private List<VirtualServer> MergeVirtualServers(IReadOnlyList<ConvertedFile> files, List<(VirtualIp VirtualIp, SourceLocation Location)> virtualIps, Dictionary<ConvertedFile, string> nodeOf)
    {
        // Distinct blocks in file order; identical ones (real servers in any order) are kept once, with each node having it.
        var distinct = new List<(ConvertedVirtualServer Server, string Canonical, List<string> Nodes)>();
        foreach (var file in files)
        {
            foreach (var server in file.VirtualServers)
            {
                var canonical = Canonical(server);
                var sameService = distinct.Where(d => ServiceKey(d.Server) == ServiceKey(server)).ToList();
                if (sameService.FindIndex(d => d.Canonical == canonical) is var same and >= 0)
                {
                    sameService[same].Nodes.Add(nodeOf[file]);
                    continue;
                }

                foreach (var (other, _, _) in sameService)
                {
                    diagnostics.Warning(server.Location, $"virtual_server {ServiceKey(server)} differs from the one at {other.Location} (settings or real servers): two VirtualServers for one service");
                }

                distinct.Add((server, canonical, [nodeOf[file]]));
            }
        }

        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<VirtualServer>();
        foreach (var (server, _, nodes) in distinct)
        {
            var owner = Owner(server, virtualIps);
            if (owner is null)
            {
                result.Add(Static(server, nodes.Distinct(StringComparer.Ordinal).ToList(), taken));
                continue;
            }

            var spec = server.Spec;
            spec.VirtualIpRef = owner.Metadata.Name!;
            var isFirstAddress = server.Address is null || SameAddress(owner.Spec.Addresses[0], server.Address);
            if (!isFirstAddress)
            {
                spec.Address = server.Address;
            }

            var name = DnsName.Unique(ServerName(owner.Metadata.Name!, server, isFirstAddress), taken);
            result.Add(new VirtualServer { Metadata = new ObjectMeta { Name = name }, Spec = spec });
        }

        return result;
    }

    private static string ServiceKey(ConvertedVirtualServer server) =>
        server.Spec.Fwmark is { } mark
            ? string.Create(CultureInfo.InvariantCulture, $"fwmark {mark}")
            : string.Create(CultureInfo.InvariantCulture, $"{server.Address} {server.Spec.Port} {server.Spec.Protocol ?? VirtualServerDefaults.Protocol}");

    private static string Canonical(ConvertedVirtualServer server)
    {
        var node = JsonSerializer.SerializeToNode(server.Spec, ApiJsonContext.Default.VirtualServerSpec)!.AsObject();
        if (node["realServers"] is JsonArray servers)
        {
            var sorted = servers.Select(s => s!.ToJsonString()).Order(StringComparer.Ordinal).ToList();
            node["realServers"] = new JsonArray(sorted.Select(s => JsonNode.Parse(s)).ToArray());
        }

        return ServiceKey(server) + " " + node.ToJsonString();
    }

    /// <summary>The VirtualIp holding the server's address (the only one, for a firewall mark); null: none does.</summary>
    private VirtualIp? Owner(ConvertedVirtualServer server, List<(VirtualIp VirtualIp, SourceLocation Location)> virtualIps)
    {
        if (server.Address is null)
        {
            if (virtualIps.Count == 1)
            {
                diagnostics.Note(server.Location, $"virtual_server fwmark {server.Spec.Fwmark}: served by the only VirtualIp, {virtualIps[0].VirtualIp.Metadata.Name}");
                return virtualIps[0].VirtualIp;
            }

            return null;
        }

        return virtualIps.Find(v => v.VirtualIp.Spec.Addresses.Exists(a => SameAddress(a, server.Address))).VirtualIp;
    }

    /// <summary>
    /// A virtual server no VirtualIp holds, as keepalived runs it: on the director whatever its VRRP state, on an address
    /// the node holds itself (or, for a firewall mark, on the marked packets). Its nodes are those whose files have it.
    /// </summary>
    private VirtualServer Static(ConvertedVirtualServer server, List<string> nodes, HashSet<string> taken)
    {
        var spec = server.Spec;
        spec.Address = server.Address;
        var what = spec.Fwmark is { } mark ? string.Create(CultureInfo.InvariantCulture, $"fwmark {mark}") : server.Address;
        if (nodes.Count == 1)
        {
            spec.NodeSelector = new() { [HostnameLabel] = nodes[0] };
        }

        diagnostics.Note(server.Location, nodes.Count == 1
            ? $"virtual_server {what}: no vrrp_instance holds it: a static VirtualServer (spec.address without virtualIpRef), programmed on node {nodes[0]} whatever the VRRP state; the node must hold the address itself"
            : $"virtual_server {what}: no vrrp_instance holds it: a static VirtualServer for {string.Join(", ", nodes)}: label those nodes and set spec.nodeSelector (absent: every node)");
        var name = spec.Fwmark is { } fwmark
            ? string.Create(CultureInfo.InvariantCulture, $"fwmark-{fwmark}")
            : string.Create(CultureInfo.InvariantCulture, $"{server.Address}-{spec.Port}{(spec.Protocol is null or "TCP" ? "" : "-" + spec.Protocol)}");
        return new VirtualServer { Metadata = new ObjectMeta { Name = DnsName.Unique(DnsName.From(name, "vs"), taken) }, Spec = spec };
    }

    private static bool SameAddress(string vipAddress, string address) =>
        VirtualIpValidator.TryParseAddress(vipAddress, out var ip, out _, out _) && ip.Equals(IPAddress.Parse(address));

    private static string ServerName(string virtualIpName, ConvertedVirtualServer server, bool isFirstAddress)
    {
        var spec = server.Spec;
        if (spec.Fwmark is { } mark)
        {
            return DnsName.From(string.Create(CultureInfo.InvariantCulture, $"{virtualIpName}-fwmark-{mark}"), "vs");
        }

        var protocol = spec.Protocol is null or "TCP" ? "" : "-" + spec.Protocol;
        var address = isFirstAddress ? "" : "-" + server.Address;
        return DnsName.From(string.Create(CultureInfo.InvariantCulture, $"{virtualIpName}{address}-{spec.Port}{protocol}"), "vs");
    }
}
