using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// From VirtualIps, Nodes, Secret key names and Pods (for pods tracks) to one NodeAgentConfig spec per node and a plan per VirtualIp.
/// A pure function of its inputs: the same cluster state always gives the same plan.
/// </summary>
public static class Planner
{
    public static Plan Build(ClusterState state, PlannerOptions options)
    {
        var nodes = state.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var readyPods = new ReadyPodIndex(state.Pods);
        var valid = new List<VirtualIp>();
        var invalid = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var vip in state.VirtualIps)
        {
            var errors = VirtualIpValidator.Validate(vip, ValidationMode.Cluster);
            if (errors.Count > 0)
            {
                invalid[Name(vip)] = string.Join("; ", errors);
            }
            else
            {
                valid.Add(vip);
            }
        }

        var foreign = ForeignRouters(state.HeardRouters, nodes);
        var foreignVrids = foreign.SelectMany(r => r.Segments.Select(s => (Segment: s, r.VirtualRouterId)))
            .GroupBy(x => x.Segment)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<int>)g.Select(x => x.VirtualRouterId).ToHashSet());
        var allocation = VridAllocator.Allocate(valid.Select(v => new VridClaim(
            Name(v), SegmentKey.Of(v.Spec), v.Spec.VirtualRouterId, v.Status?.VirtualRouterId, v.Metadata.CreationTimestamp)), foreignVrids);

        var syncRefusals = SyncGroupCheck.Refusals(valid, nodes);
        var syncRunning = SyncGroupRunning(valid.Where(v => v.Spec.SyncGroup is not null && !syncRefusals.ContainsKey(Name(v))), nodes, readyPods);
        var instances = nodes.ToDictionary(n => n.Name, _ => new List<VrrpInstance>(), StringComparer.Ordinal);
        var plans = new Dictionary<string, VirtualIpPlan>(StringComparer.Ordinal);
        foreach (var vip in state.VirtualIps.OrderBy(Name, StringComparer.Ordinal))
        {
            var name = Name(vip);
            var conditions = new List<PlannedCondition>();
            var withheld = false;

            var invalidMessage = invalid.GetValueOrDefault(name);
            conditions.Add(invalidMessage is null
                ? new(ConditionTypes.Invalid, false, VirtualIpReasons.Valid, "the spec is valid")
                : new(ConditionTypes.Invalid, true, VirtualIpReasons.InvalidSpec, invalidMessage));
            withheld |= invalidMessage is not null;

            var conflictsWith = allocation.Conflicts.GetValueOrDefault(name);
            var vrid = allocation.Assigned.TryGetValue(name, out var v) ? v : (int?)null;
            if (conflictsWith is not null)
            {
                conditions.Add(new(ConditionTypes.Conflict, true, VirtualIpReasons.VirtualRouterIdInUse,
                    $"VRID {vrid} on {SegmentKey.Of(vip.Spec)} is also used by {string.Join(", ", conflictsWith)}; none of them is given to agents until one changes"));
            }
            else if (allocation.Exhausted.Contains(name))
            {
                var heard = foreignVrids.GetValueOrDefault(SegmentKey.Of(vip.Spec))?.Count ?? 0;
                conditions.Add(new(ConditionTypes.Conflict, true, VirtualIpReasons.NoFreeVirtualRouterId,
                    $"all {VridAllocator.MaxVrid} VRIDs on {SegmentKey.Of(vip.Spec)} are taken ({heard} of them by foreign routers the agents hear)"));
            }
            else if (allocation.ForeignCollisions.Contains(name))
            {
                // Still given to agents: it is on the wire already, and withdrawing it would not silence the other router.
                var routers = foreign.Where(r => r.VirtualRouterId == vrid && r.Segments.Contains(SegmentKey.Of(vip.Spec)))
                    .Select(r => $"{r.Source} (VRRPv{r.Version}, heard by {r.Node} on {r.Interface})").Distinct().Order(StringComparer.Ordinal);
                conditions.Add(new(ConditionTypes.Conflict, true, VirtualIpReasons.ForeignVirtualRouterId,
                    $"VRID {vrid} on {SegmentKey.Of(vip.Spec)} is also advertised by a router outside this cluster: {string.Join(", ", routers)}; set spec.virtualRouterId to a free one"));
            }
            else
            {
                conditions.Add(new(ConditionTypes.Conflict, false, VirtualIpReasons.NoConflict, invalidMessage is null ? $"VRID {vrid} is unique on {SegmentKey.Of(vip.Spec)}" : "not checked: the spec is invalid"));
            }

            withheld |= conflictsWith is not null || allocation.Exhausted.Contains(name);

            var secretRefs = (vip.Spec.Webhooks ?? []).Select((w, i) => (Ref: w.UrlSecretRef, Path: $"spec.webhooks[{i}].urlSecretRef"))
                .Prepend((Ref: vip.Spec.Authentication?.PasswordSecretRef, Path: "spec.authentication.passwordSecretRef"))
                .Where(r => r.Ref is not null)
                .ToList();
            if (secretRefs.Count > 0)
            {
                var missing = secretRefs.Select(r => MissingSecret(r.Ref!, r.Path, options, state.SecretKeys)).OfType<string>().ToList();
                conditions.Add(missing.Count == 0
                    ? new(ConditionTypes.SecretMissing, false, VirtualIpReasons.SecretFound, "the referenced Secrets and keys exist")
                    : new(ConditionTypes.SecretMissing, true, VirtualIpReasons.SecretNotFound, string.Join("; ", missing)));
                withheld |= missing.Count > 0;
            }

            if (vip.Spec.SyncGroup is { } syncGroup)
            {
                var refusal = syncRefusals.GetValueOrDefault(name);
                conditions.Add(refusal is null
                    ? new(ConditionTypes.SyncGroupRefused, false, VirtualIpReasons.MembersAgree, invalidMessage is null ? $"the members of sync group \"{syncGroup}\" share nodes and priorities" : "not checked: the spec is invalid")
                    : new(ConditionTypes.SyncGroupRefused, true, VirtualIpReasons.MembersDisagree, refusal));
                withheld |= refusal is not null;
            }

            var eligible = nodes.Where(n => n.IsEligibleFor(vip.Spec)).ToList();
            var tracked = PodTrackRule.Decide(vip, eligible, readyPods);
            // A sync group runs only where every member may: a member's pods track in FAULT on a node takes the group off it.
            var groupRunning = vip.Spec.SyncGroup is { } group ? syncRunning.GetValueOrDefault(group) : null;
            var running = eligible.Where(n => tracked.Priorities.ContainsKey(n.Name) && (groupRunning is null || groupRunning.Contains(n.Name))).ToList();
            var decision = MaintenanceRules.Decide(vip, running, options.CordonedPriorityOffset, tracked.Priorities);
            if (decision.PreferredMaster is { } preferred)
            {
                conditions.Add(preferred);
            }

            if (tracked.Condition is { } trackFailing)
            {
                conditions.Add(trackFailing);
            }

            if (!withheld)
            {
                AddInstances(vip, vrid!.Value, decision.Priorities, options.SecretNamespace, eligible, instances);
            }

            plans[name] = new VirtualIpPlan(vip.Metadata.Generation, vrid, conditions, withheld ? new Dictionary<string, int>() : decision.Priorities, withheld, withheld ? [] : tracked.Faulted);
        }

        var servers = VirtualServerPlanner.Build(state.VirtualServerInputs, state.VirtualIps, plans, nodes);
        return new Plan(instances.ToDictionary(i => i.Key, i => new NodeAgentConfigSpec { Instances = i.Value, VirtualServers = servers.ForNode(i.Key) }, StringComparer.Ordinal), plans)
        {
            VirtualServers = servers.Plans,
        };
    }

    public static string Name(VirtualIp vip) => vip.Metadata.Name ?? "";

    /// <summary>Per accepted sync group: the nodes where no member's pods track is in FAULT.</summary>
    private static Dictionary<string, HashSet<string>> SyncGroupRunning(IEnumerable<VirtualIp> members, IReadOnlyList<NodeInfo> nodes, ReadyPodIndex readyPods)
    {
        var running = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var vip in members)
        {
            var eligible = nodes.Where(n => n.IsEligibleFor(vip.Spec)).ToList();
            var allowed = PodTrackRule.Decide(vip, eligible, readyPods).Priorities.Keys;
            if (running.TryGetValue(vip.Spec.SyncGroup!, out var nodesSoFar))
            {
                nodesSoFar.IntersectWith(allowed);
            }
            else
            {
                running[vip.Spec.SyncGroup!] = new HashSet<string>(allowed, StringComparer.Ordinal);
            }
        }

        return running;
    }

    /// <summary>
    /// The heard routers that are not this cluster's nodes: a node outside a VirtualIp's nodeSelector hears that VirtualIp's
    /// adverts as foreign, sent from the other nodes' InternalIPs (a node advertising from another address is not recognised).
    /// </summary>
    private static List<HeardRouter> ForeignRouters(IReadOnlyList<HeardRouter> heard, IReadOnlyList<NodeInfo> nodes)
    {
        var ours = nodes.SelectMany(n => n.InternalAddresses).ToHashSet();
        return [.. heard.Where(h => !ours.Contains(h.Source))];
    }

    /// <param name="eligible">The nodes the nodeSelector matches: a unicast instance's peers, whether or not they run it now.</param>
    private static void AddInstances(VirtualIp vip, int vrid, IReadOnlyDictionary<string, int> priorities, string secretNamespace, IReadOnlyList<NodeInfo> eligible, Dictionary<string, List<VrrpInstance>> instances)
    {
        var addresses = eligible.Select(n => new NodeAddresses(n.Name, n.InternalAddresses)).ToList();
        foreach (var (node, priority) in priorities)
        {
            instances[node].Add(VirtualIpResolver.Resolve(vip, vrid, priority, secretNamespace, new UnicastNodes(node, addresses)));
        }
    }

    private static string? MissingSecret(SecretKeySelector secretRef, string path, PlannerOptions options, IReadOnlyDictionary<string, IReadOnlySet<string>> secretKeys)
    {
        var ns = secretRef.Namespace ?? options.SecretNamespace;
        var id = $"{ns}/{secretRef.Name}";
        var watched = options.WatchedSecretNamespaces ?? [options.SecretNamespace];
        if (!watched.Contains(ns, StringComparer.Ordinal))
        {
            // Neither the operator nor the agents may read it: the chart grants Secrets only in these namespaces.
            return $"Secret {id} ({path}) is outside the namespaces whose Secrets keepoperator may read ({string.Join(", ", watched)}; the chart's agent.secretNamespaces)";
        }
        if (!secretKeys.TryGetValue(id, out var keys))
        {
            return $"Secret {id} ({path}) not found";
        }

        return keys.Contains(secretRef.Key ?? "") ? null : $"Secret {id} has no key \"{secretRef.Key}\"";
    }
}
