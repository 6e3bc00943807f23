namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>Whether the generic netlink family IPVS resolved, its id, and what was seen, for the selection's reason.</summary>
public sealed record IpvsProbeResult(ushort? FamilyId, string Detail)
{
    public bool Available => FamilyId is not null;

    public static IpvsProbeResult Found(ushort familyId) => new(familyId, $"generic netlink family IPVS is {familyId}");

    public static IpvsProbeResult NotFound(string why) => new(null, why);
}
