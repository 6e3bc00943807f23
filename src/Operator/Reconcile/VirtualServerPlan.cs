using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// What the planner decided for one VirtualServer: the VirtualIp and address it serves on, its real servers (fixed ones
/// merged with its serviceRef's ready endpoints, in a fixed order), the nodes it is given to (the VirtualIp's, or a static
/// one's: those its nodeSelector matches), and,
/// when it is withheld from every agent, the Ready=False condition saying why.
/// </summary>
public sealed record VirtualServerPlan(
    long? Generation,
    string? VirtualIp,
    string? Address,
    IReadOnlyList<RealServer> RealServers,
    IReadOnlyList<string> Nodes,
    PlannedCondition? Withheld)
{
    public static VirtualServerPlan WithheldBecause(VirtualServer server, string reason, string message) =>
        new(server.Metadata.Generation, server.Spec.VirtualIpRef, null, [], [], new(ConditionTypes.Ready, false, reason, message));
}

/// <summary>Value comparison of two plans of one VirtualServer (the record's own equality compares the lists by reference).</summary>
public static class VirtualServerPlanComparer
{
    public static bool Same(VirtualServerPlan? a, VirtualServerPlan? b) =>
        ReferenceEquals(a, b)
        || (a is not null && b is not null
            && a.Generation == b.Generation
            && a.VirtualIp == b.VirtualIp
            && a.Address == b.Address
            && a.Withheld == b.Withheld
            && a.Nodes.SequenceEqual(b.Nodes, StringComparer.Ordinal)
            && a.RealServers.Select(r => (r.Address, r.Port, r.Weight)).SequenceEqual(b.RealServers.Select(r => (r.Address, r.Port, r.Weight))));
}
