using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// From VirtualServers (with the VirtualIps' plans, the Nodes, Services and EndpointSlices) to what each node runs: a valid
/// VirtualServer goes to every node that runs its VirtualIp (a static one, without a VirtualIp, to every node its
/// nodeSelector matches), resolved (<see cref="VirtualServerResolver"/>) with its real servers. One that is invalid,
/// names a VirtualIp that is missing or withheld, or whose Service (or port) is missing goes to no node, and its plan
/// says why. Pure, like <see cref="Planner"/>.
/// </summary>
public static class VirtualServerPlanner
{
    public static VirtualServerPlanning Build(VirtualServerInputs inputs, IReadOnlyList<VirtualIp> vips, IReadOnlyDictionary<string, VirtualIpPlan> vipPlans, IReadOnlyList<NodeInfo> nodes)
    {
        var vipsByName = vips.ToDictionary(Planner.Name, StringComparer.Ordinal);
        var services = inputs.Services.ToDictionary(s => ObjectKey.Of(s.Metadata.NamespaceProperty, s.Metadata.Name), StringComparer.Ordinal);
        var slices = inputs.EndpointSlices
            .Where(s => EndpointResolver.ServiceOf(s) is not null)
            .ToLookup(s => ObjectKey.Of(s.Metadata.NamespaceProperty, EndpointResolver.ServiceOf(s)), StringComparer.Ordinal);

        var plans = new Dictionary<string, VirtualServerPlan>(StringComparer.Ordinal);
        var perNode = new Dictionary<string, List<VirtualServerInstance>>(StringComparer.Ordinal);
        foreach (var server in inputs.VirtualServers.OrderBy(Key, StringComparer.Ordinal))
        {
            var plan = PlanOne(server, vipsByName, vipPlans, nodes, services, slices);
            plans[Key(server)] = plan;
            if (plan.Withheld is not null)
            {
                continue;
            }

            // Resolved once for all its nodes: the same on each, and immutable, so the nodes' configs may share it.
            var instance = VirtualServerResolver.Resolve(server, plan.VirtualIp is { } vip ? vipsByName[vip] : null, plan.RealServers);
            foreach (var node in plan.Nodes)
            {
                if (!perNode.TryGetValue(node, out var list))
                {
                    perNode[node] = list = [];
                }

                list.Add(instance);
            }
        }

        return new(plans, perNode);
    }

    public static string Key(VirtualServer server) => ObjectKey.Of(server.Metadata.Namespace, server.Metadata.Name);

    private static VirtualServerPlan PlanOne(
        VirtualServer server,
        Dictionary<string, VirtualIp> vips,
        IReadOnlyDictionary<string, VirtualIpPlan> vipPlans,
        IReadOnlyList<NodeInfo> nodes,
        Dictionary<string, k8s.Models.V1Service> services,
        ILookup<string, k8s.Models.V1EndpointSlice> slices)
    {
        var errors = VirtualServerValidator.Validate(server, ValidationMode.Cluster);
        if (errors.Count > 0)
        {
            return VirtualServerPlan.WithheldBecause(server, VirtualServerReasons.InvalidSpec, string.Join("; ", errors));
        }

        var spec = server.Spec;
        VirtualIp? vip = null;
        IEnumerable<string> servingNodes;
        if (spec.VirtualIpRef is not { } vipName)
        {
            servingNodes = nodes.Where(n => n.Matches(spec.NodeSelector)).Select(n => n.Name);
        }
        else if (!vips.TryGetValue(vipName, out vip) || vipPlans.GetValueOrDefault(vipName) is not { } vipPlan)
        {
            return VirtualServerPlan.WithheldBecause(server, VirtualServerReasons.VirtualIpNotFound, $"VirtualIp {vipName} (spec.virtualIpRef) not found");
        }
        else if (vipPlan.Withheld)
        {
            return VirtualServerPlan.WithheldBecause(server, VirtualServerReasons.VirtualIpNotServed, $"VirtualIp {vipName} is not given to agents (see its conditions)");
        }
        else
        {
            servingNodes = vipPlan.Priorities.Keys;
        }

        var onVip = VirtualServerValidator.ValidateOn(spec, vip);
        if (onVip.Count > 0)
        {
            return VirtualServerPlan.WithheldBecause(server, onVip[0].Path == "spec.address" ? VirtualServerReasons.AddressNotOnVirtualIp : VirtualServerReasons.InvalidSpec,
                string.Join("; ", onVip));
        }

        var address = VirtualServerValidator.ServedAddress(spec, vip?.Spec)!;
        var fromService = new List<RealServer>();
        if (spec.ServiceRef is { } serviceRef)
        {
            var resolution = EndpointResolver.Resolve(server.Metadata.Namespace ?? "", serviceRef, spec.Fwmark is null ? spec.Protocol ?? VirtualServerDefaults.Protocol : null, address.AddressFamily, services, slices);
            if (resolution.Problem is { } problem)
            {
                return new(server.Metadata.Generation, spec.VirtualIpRef, null, [], [], problem);
            }

            fromService.AddRange(resolution.RealServers);
        }

        return new(server.Metadata.Generation, spec.VirtualIpRef, address.ToString(), Merge(spec.RealServers ?? [], fromService, spec.Port),
            servingNodes.Order(StringComparer.Ordinal).ToList(), null);
    }

    /// <summary>
    /// Fixed real servers win over endpoints at the same address and port (they carry a weight); the result is ordered
    /// by address (numerically: one family, equal-length hex), then port, so the same inputs always give the same list whatever the order of slices and endpoints.
    /// </summary>
    private static List<RealServer> Merge(IEnumerable<RealServer> fixedServers, IEnumerable<RealServer> endpoints, int? virtualPort)
    {
        var merged = new Dictionary<(IPAddress, int?), RealServer>();
        foreach (var server in fixedServers.Concat(endpoints))
        {
            var address = IPAddress.Parse(server.Address);
            merged.TryAdd((address, server.Port ?? virtualPort), new RealServer { Address = address.ToString(), Port = server.Port, Weight = server.Weight });
        }

        return merged.OrderBy(m => System.Convert.ToHexString(m.Key.Item1.GetAddressBytes()), StringComparer.Ordinal).ThenBy(m => m.Key.Item2).Select(m => m.Value).ToList();
    }
}
