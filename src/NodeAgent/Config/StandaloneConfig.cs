using KeepOperator.Api;
using KeepOperator.Api.Manifests;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.NodeAgent.Config;

/// <summary>
/// The agent's standalone configuration: every VirtualIp and VirtualServer in a YAML file, validated (standalone rules)
/// and resolved for this node; a VirtualServer's virtualIpRef names a VirtualIp of the same file. Every problem in the file is collected and reported together in one <see cref="ManifestException"/>.
/// </summary>
public sealed class StandaloneConfig
{
    private StandaloneConfig(string source, IReadOnlyList<VrrpInstanceSettings> instances, IReadOnlyList<VirtualServerDefinition> virtualServers, IReadOnlyList<ManifestError> warnings)
    {
        Source = source;
        Instances = instances;
        VirtualServers = virtualServers;
        Warnings = warnings;
    }

    public string Source { get; }

    public IReadOnlyList<VrrpInstanceSettings> Instances { get; }

    /// <summary>Every VirtualServer, programmed on this node (which runs every VirtualIp of the file).</summary>
    public IReadOnlyList<VirtualServerDefinition> VirtualServers { get; }

    /// <summary>Things the agent ignores (pods checks, nodeSelector), to log once.</summary>
    public IReadOnlyList<ManifestError> Warnings { get; }

    /// <exception cref="ManifestException">Every error in the file (syntax, fields, rules, this host's interfaces, conflicts).</exception>
    public static StandaloneConfig Load(string path, string nodeName, IReadOnlyList<InterfaceAddress> hostAddresses) =>
        Build(ManifestReader.TryReadFile(path, ValidationMode.Standalone), path, nodeName, hostAddresses);

    /// <exception cref="ManifestException">As <see cref="Load"/>.</exception>
    public static StandaloneConfig Parse(string yaml, string sourceName, string nodeName, IReadOnlyList<InterfaceAddress> hostAddresses) =>
        Build(ManifestReader.TryRead(yaml, sourceName, ValidationMode.Standalone), sourceName, nodeName, hostAddresses);

    private static StandaloneConfig Build(ManifestReadResult read, string source, string nodeName, IReadOnlyList<InterfaceAddress> hostAddresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(hostAddresses);

        var errors = new List<ManifestError>(read.Errors);
        var warnings = new List<ManifestError>();
        var instances = new List<VrrpInstanceSettings>();
        var routers = new Dictionary<(int Interface, System.Net.Sockets.AddressFamily Family, byte Vrid), ManifestDocument>();
        var addressOwners = new Dictionary<System.Net.IPAddress, ManifestDocument>();
        var names = new Dictionary<string, ManifestDocument>(StringComparer.Ordinal);

        foreach (var document in read.Documents)
        {
            if (document.Object is not VirtualIp vip)
            {
                continue; // VirtualServers: below, once every VirtualIp is known
            }

            // VirtualIps are cluster-scoped: the name alone names the instance and what virtualIpRef points at.
            if (!names.TryAdd(vip.Metadata.Name ?? "", document))
            {
                var first = names[vip.Metadata.Name ?? ""];
                errors.Add(document.Error("metadata.name", $"\"{vip.Metadata.Name}\" is already the name of document {first.Document}: VirtualIp names must be unique"));
                continue;
            }

            var resolution = InstanceResolver.Resolve(vip, nodeName, hostAddresses);
            warnings.AddRange(resolution.Warnings.Select(w => document.Error(w.Path, w.Message)));
            if (resolution.Settings is not { } settings)
            {
                errors.AddRange(resolution.Errors.Select(e => document.Error(e.Path, e.Message)));
                continue;
            }

            var key = (settings.InterfaceIndex, settings.Router.PrimaryAddress.AddressFamily, settings.Router.VirtualRouterId);
            if (routers.TryGetValue(key, out var other))
            {
                errors.Add(document.Error(
                    "spec.virtualRouterId",
                    $"VRID {key.VirtualRouterId} is already used on {settings.InterfaceName} by {other.Kind} \"{other.Name}\" (document {other.Document})"));
                continue;
            }

            var clash = settings.VirtualAddresses.Select((a, i) => (a, i)).FirstOrDefault(x => addressOwners.ContainsKey(x.a.Address));
            if (clash.a is not null)
            {
                var owner = addressOwners[clash.a.Address];
                errors.Add(document.Error(
                    $"spec.addresses[{clash.i}]",
                    $"{clash.a.Address} is already held by {owner.Kind} \"{owner.Name}\" (document {owner.Document})"));
                continue;
            }

            routers.Add(key, document);
            foreach (var address in settings.VirtualAddresses)
            {
                addressOwners.Add(address.Address, document);
            }

            instances.Add(settings);
        }

        var virtualIps = names.ToDictionary(n => n.Key, n => (IReadOnlyList<string>)((VirtualIp)n.Value.Object).Spec.Addresses, StringComparer.Ordinal);
        var serverDocuments = read.Documents.Where(d => d.Object is VirtualServer).ToList();
        var servers = VirtualServerSetResolver.Resolve([.. serverDocuments.Select(d => (VirtualServer)d.Object)], virtualIps, ValidationMode.Standalone);
        errors.AddRange(servers.Errors.Select(e => serverDocuments[e.Index].Error(e.Error.Path, e.Error.Message)));

        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        return new StandaloneConfig(source, instances, servers.Definitions, warnings);
    }
}
