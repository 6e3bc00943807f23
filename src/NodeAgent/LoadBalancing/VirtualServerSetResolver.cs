using KeepOperator.Api;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Pure: a node's whole list of VirtualServers to definitions. Each must name one of the given VirtualIps; two may not
/// claim the same IPVS service (the first one keeps it). A refused virtual server leaves the others running.
/// </summary>
public static class VirtualServerSetResolver
{
    /// <param name="virtualIps">The VirtualIps' spec.addresses by name.</param>
    public static VirtualServerSetResolution Resolve(IReadOnlyList<VirtualServer> servers, IReadOnlyDictionary<string, IReadOnlyList<string>> virtualIps)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(virtualIps);
        var definitions = new List<VirtualServerDefinition>();
        var errors = new List<(int, FieldError)>();
        var owners = new Dictionary<ServiceKey, VirtualServerDefinition>();
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            if (!virtualIps.TryGetValue(server.Spec?.VirtualIpRef ?? "", out var addresses))
            {
                errors.Add((i, new FieldError("spec.virtualIpRef", $"names no VirtualIp of this configuration (\"{server.Spec?.VirtualIpRef}\")")));
                continue;
            }

            var resolution = VirtualServerResolver.Resolve(server, addresses);
            if (resolution.Definition is not { } definition)
            {
                errors.AddRange(resolution.Errors.Select(e => (i, e)));
                continue;
            }

            if (owners.TryGetValue(definition.Key, out var owner))
            {
                errors.Add((i, new FieldError(definition.Key.IsFirewallMark ? "spec.fwmark" : "spec.port", $"service {definition.Key} is already served by VirtualServer \"{owner.DisplayName}\"")));
                continue;
            }

            owners.Add(definition.Key, definition);
            definitions.Add(definition);
        }

        return new VirtualServerSetResolution(definitions, errors);
    }
}
