using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Manifests;
using KeepOperator.Api.Services;
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
        var claims = new InstanceClaims();
        var names = new Dictionary<string, ManifestDocument>(StringComparer.Ordinal);
        var virtualIps = new Dictionary<string, IReadOnlyList<IPAddress>>(StringComparer.Ordinal);

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

            // Validated by the reader (standalone rules); resolved as the operator resolves, bound to this host.
            var instance = VirtualIpResolver.Resolve(vip, vip.Spec.VirtualRouterId!.Value, VirtualIpResolver.PriorityFor(vip.Spec, nodeName), vip.Metadata.Namespace ?? "");
            virtualIps[instance.Name] = [.. instance.Addresses.Select(a => a.Address)]; // one that fails below is reported there, not by its VirtualServers
            warnings.AddRange(IgnoredFields(vip).Select(w => document.Error(w.Path, w.Message)));
            var binding = InstanceBinder.Bind(instance, hostAddresses);
            if (binding.Settings is not { } settings)
            {
                errors.AddRange(binding.Errors.Select(e => document.Error(e.Path, e.Message)));
                continue;
            }

            if (claims.Claim(settings, $"{document.Kind} \"{document.Name}\" (document {document.Document})") is { } clash)
            {
                errors.Add(document.Error(clash.Path, clash.Message));
                continue;
            }

            instances.Add(settings);
        }

        // Validated by the reader; what needs the VirtualIp is checked here, then resolved as the operator resolves.
        var serverDocuments = new List<ManifestDocument>();
        var resolved = new List<VirtualServerInstance>();
        foreach (var document in read.Documents)
        {
            if (document.Object is not VirtualServer server)
            {
                continue;
            }

            VirtualIp? vip = null;
            if (server.Spec.VirtualIpRef is { } vipName)
            {
                if (!names.TryGetValue(vipName, out var vipDocument))
                {
                    errors.Add(document.Error("spec.virtualIpRef", $"names no VirtualIp of this configuration (\"{vipName}\")"));
                    continue;
                }

                vip = (VirtualIp)vipDocument.Object;
            }
            else if (server.Spec.NodeSelector is { Count: > 0 })
            {
                warnings.Add(document.Error("spec.nodeSelector", "needs a cluster (the operator evaluates it); ignored: a static virtual server is always programmed here"));
            }

            if (VirtualServerValidator.ValidateOn(server.Spec, vip) is { Count: > 0 } onVip)
            {
                errors.AddRange(onVip.Select(e => document.Error(e.Path, e.Message)));
                continue;
            }

            serverDocuments.Add(document);
            resolved.Add(VirtualServerResolver.Resolve(server, vip));
        }

        var servers = VirtualServerSetResolver.Resolve(resolved, virtualIps);
        errors.AddRange(servers.Errors.Select(e => serverDocuments[e.Index].Error(e.Error.Path, e.Error.Message)));

        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        return new StandaloneConfig(source, instances, servers.Definitions, warnings);
    }

    /// <summary>What a standalone agent does not evaluate: pods checks and the node selector need a cluster.</summary>
    private static IEnumerable<FieldError> IgnoredFields(VirtualIp vip)
    {
        for (var i = 0; i < (vip.Spec.Track?.Count ?? 0); i++)
        {
            if (vip.Spec.Track![i].Pods is not null)
            {
                yield return new($"spec.track[{i}]", $"pods check \"{vip.Spec.Track[i].Name}\" needs a cluster (the operator evaluates it); ignored");
            }
        }

        if (vip.Spec.NodeSelector is { Count: > 0 })
        {
            yield return new("spec.nodeSelector", "needs a cluster (the operator evaluates it); ignored");
        }

        if (vip.Spec.NodeNames is not null)
        {
            yield return new("spec.nodeNames", "needs a cluster (the operator evaluates it); ignored");
        }
    }
}
