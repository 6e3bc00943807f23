using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Pure: a node's resolved virtual servers to definitions, checking only what needs its running VirtualIp instances:
/// each must serve an address of one of them (a static one is on the node's own address), and two may not claim the same IPVS service (the first one keeps it).
/// A refused virtual server leaves the others running.
/// </summary>
public static class VirtualServerSetResolver
{
    /// <param name="virtualIps">The addresses of the VirtualIp instances this node runs, by instance name.</param>
    public static VirtualServerSetResolution Resolve(IReadOnlyList<VirtualServerInstance> servers, IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> virtualIps)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(virtualIps);
        var definitions = new List<VirtualServerDefinition>();
        var errors = new List<(int, FieldError)>();
        var owners = new Dictionary<ServiceKey, VirtualServerDefinition>();
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            if (server.VirtualIp is not { } vip)
            {
                // A static virtual server: on an address the node holds itself, whatever its VRRP state.
            }
            else if (!virtualIps.TryGetValue(vip, out var addresses))
            {
                errors.Add((i, new FieldError("spec.virtualIpRef", $"names no VirtualIp of this configuration (\"{vip}\")")));
                continue;
            }

            // The operator chose the address from the same VirtualIp: this catches a hand-edited configuration.
            else if (!addresses.Contains(server.Address))
            {
                errors.Add((i, new FieldError("spec.address", $"{server.Address} is not an address of VirtualIp \"{server.VirtualIp}\" ({string.Join(", ", addresses)})")));
                continue;
            }

            var definition = new VirtualServerDefinition(server);
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
