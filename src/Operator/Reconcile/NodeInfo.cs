using System.Net;

namespace KeepOperator.Operator.Reconcile;

/// <summary>What the planner needs from a Node: its name, labels (for nodeSelector), whether it is cordoned, and its InternalIPs (unicast peers).</summary>
public sealed record NodeInfo(string Name, IReadOnlyDictionary<string, string> Labels, bool Unschedulable)
{
    /// <summary>status.addresses of type InternalIP, in the Node's order.</summary>
    public IReadOnlyList<IPAddress> InternalAddresses { get; init; } = [];

    public bool Matches(IReadOnlyDictionary<string, string>? selector) => LabelMatch.Matches(selector, Labels);

    /// <summary>May take part in the VirtualIp: its nodeSelector matches and, when it lists nodeNames, this one is among them.</summary>
    public bool IsEligibleFor(KeepOperator.Api.VirtualIpSpec spec) => Matches(spec.NodeSelector) && (spec.NodeNames is null || spec.NodeNames.Contains(Name, StringComparer.Ordinal));
}
