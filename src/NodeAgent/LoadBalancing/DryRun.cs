using System.Text;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.Nftables;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Pure: what --dry-run prints instead of programming a kernel that holds none of the virtual servers yet, every real
/// server healthy (as the checker starts them). IPVS: per request an <c># ipvsadm ...</c> line and the request in hex,
/// sequence and port id zero and family id <see cref="FamilyId"/> (the form of the ipvsadm captures the codec is tested
/// against); nftables: the transaction nft would get. A virtual server the dataplane refuses (<see cref="ForwardingSupport"/>)
/// is a <c># refused:</c> line instead.
/// </summary>
public static class DryRun
{
    /// <summary>A stand-in for the IPVS family id, which the kernel assigns at run time.</summary>
    public const ushort FamilyId = 0x0042;

    public static string Render(IReadOnlyList<VirtualServerDefinition> definitions, DataplaneKind dataplane)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var text = new StringBuilder();
        foreach (var refused in definitions.Where(d => ForwardingSupport.Refusal(dataplane, d.Forwarding) is not null))
        {
            text.Append("# refused: ").Append(refused.DisplayName).Append(" (").Append(refused.Key).Append("): ")
                .Append(ForwardingSupport.Refusal(dataplane, refused.Forwarding)).Append('\n');
        }

        var desired = definitions
            .Where(d => ForwardingSupport.Refusal(dataplane, d.Forwarding) is null)
            .Select(d => VirtualServerHealthRule.Decide(d, [.. d.Server.RealServers.Select(_ => true)], null).Server)
            .ToList();
        if (dataplane == DataplaneKind.Ipvs)
        {
            foreach (var (command, request) in IpvsDataplane.Requests(desired, [], _ => true, FamilyId, () => 0))
            {
                text.Append("# ").Append(IpvsadmCommandRenderer.Render(command)).Append('\n');
                text.Append(Convert.ToHexStringLower(request)).Append('\n');
            }

            return text.ToString();
        }

        var script = NftablesPlanner.Plan(null, desired).Script;
        foreach (var note in script.Notes)
        {
            text.Append("# note: ").Append(note).Append('\n');
        }

        return text.Append(script.Text).ToString();
    }
}
