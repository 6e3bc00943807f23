using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// A VirtualServer's status from its plan, its VirtualIp's status (whose master serves it) and what the agents report
/// in their NodeAgentConfig status.virtualServers. The real servers listed are the planned ones, each with the health
/// the master reports (any node running the VirtualIp when the master has not reported it), so the list always says
/// what is asked and the count cannot include servers no longer wanted. Ready is keepalived's notion of a working
/// virtual server: programmed on the master with at least one healthy real server. A static virtual server (no
/// VirtualIp) is programmed on all its nodes at once: the first of them that reports it speaks for it.
/// </summary>
public static class VirtualServerStatusAggregator
{
    public static VirtualServerStatus Aggregate(
        VirtualServer server,
        VirtualServerPlan plan,
        VirtualIp? vip,
        Func<string, NodeAgentConfig?> configOf,
        DateTimeOffset now)
    {
        var ns = server.Metadata.Namespace ?? "";
        var name = server.Metadata.Name ?? "";
        NodeVirtualServerStatus? ReportOf(string node) =>
            configOf(node)?.Status?.VirtualServers?.FirstOrDefault(v => v.Namespace == ns && v.Name == name);

        var master = plan.VirtualIp is null
            ? plan.Nodes.FirstOrDefault(n => ReportOf(n) is not null)
            : vip?.Status?.Master is { } m && plan.Nodes.Contains(m, StringComparer.Ordinal) ? m : null;
        var fromMaster = master is null ? null : ReportOf(master);
        var report = fromMaster ?? plan.Nodes.Select(ReportOf).FirstOrDefault(r => r is not null);

        var realServers = plan.RealServers.Select(planned => Health(planned, server.Spec.Port, report)).ToList();
        var healthy = realServers.Count(r => r.Healthy);
        var ready = Ready(plan, master, fromMaster, healthy, realServers.Count);
        var generation = server.Metadata.Generation;
        return new VirtualServerStatus
        {
            ObservedGeneration = generation,
            Address = plan.Address,
            Node = master,
            Healthy = healthy,
            Total = realServers.Count,
            HealthySummary = $"{healthy}/{realServers.Count}",
            RealServers = realServers,
            Conditions = [StatusAggregator.ToCondition(ready, server.Status?.Conditions, generation, now)],
        };
    }

    private static RealServerStatus Health(RealServer planned, int? virtualPort, NodeVirtualServerStatus? report)
    {
        var port = planned.Port ?? virtualPort;
        var address = IPAddress.Parse(planned.Address);
        var seen = report?.RealServers?.FirstOrDefault(r =>
            IPAddress.TryParse(r.Address, out var reported) && reported.Equals(address) && (r.Port ?? virtualPort) == port);
        return seen is null
            ? new RealServerStatus { Address = planned.Address, Port = port, Healthy = false, Weight = planned.Weight, Message = "not reported by any node yet" }
            : new RealServerStatus { Address = planned.Address, Port = port, Healthy = seen.Healthy, Weight = seen.Weight, LastCheckTime = seen.LastCheckTime, Message = seen.Message };
    }

    /// <summary>The Warning Event for a VirtualServer that just became refused by its master's dataplane, or null.</summary>
    public static EventSpec? Refusal(VirtualServerStatus? previous, VirtualServerStatus current)
    {
        static Condition? ReadyOf(VirtualServerStatus? s) => s?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        var now = ReadyOf(current);
        return now?.Reason == VirtualServerReasons.ForwardingUnsupported && ReadyOf(previous)?.Reason != VirtualServerReasons.ForwardingUnsupported
            ? new EventSpec(EventReasons.Warning, VirtualServerReasons.ForwardingUnsupported, now.Message ?? "")
            : null;
    }

    private static PlannedCondition Ready(VirtualServerPlan plan, string? master, NodeVirtualServerStatus? fromMaster, int healthy, int total)
    {
        if (plan.Withheld is { } why)
        {
            return why with { Message = "not given to agents: " + why.Message };
        }

        if (master is null)
        {
            return plan.VirtualIp is null
                ? new(ConditionTypes.Ready, false, VirtualServerReasons.NotProgrammed,
                    plan.Nodes.Count == 0 ? "no node matches spec.nodeSelector" : $"none of its nodes ({string.Join(", ", plan.Nodes)}) has reported it yet")
                : new(ConditionTypes.Ready, false, VirtualServerReasons.NoMaster, $"VirtualIp {plan.VirtualIp} has no master to serve it");
        }

        var serving = plan.VirtualIp is null ? master : $"{master} (master of {plan.VirtualIp})";
        if (fromMaster is null)
        {
            return new(ConditionTypes.Ready, false, VirtualServerReasons.NotProgrammed, $"{serving} has not reported it yet");
        }

        if (fromMaster.Refused is { } refused)
        {
            return new(ConditionTypes.Ready, false, VirtualServerReasons.ForwardingUnsupported, $"{serving} refuses it: {refused}");
        }

        return healthy == 0
            ? new(ConditionTypes.Ready, false, VirtualServerReasons.NoHealthyRealServers,
                total == 0 ? $"no real servers to balance over on {master}" : $"none of {total} real servers is healthy on {master}")
            : new(ConditionTypes.Ready, true, VirtualServerReasons.Serving, $"{master} serves it: {healthy}/{total} real servers healthy");
    }
}
