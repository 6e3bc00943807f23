using System.Net;

namespace KeepOperator.Operator.Reconcile;

/// <summary>What the planner needs from a Node: its name, labels (for nodeSelector), whether it is cordoned, and its InternalIPs (unicast peers).</summary>
public sealed record NodeInfo(string Name, IReadOnlyDictionary<string, string> Labels, bool Unschedulable)
{
    /// <summary>status.addresses of type InternalIP, in the Node's order.</summary>
    public IReadOnlyList<IPAddress> InternalAddresses { get; init; } = [];

    public bool Matches(IReadOnlyDictionary<string, string>? selector) => LabelMatch.Matches(selector, Labels);
}
