namespace KeepOperator.Operator.Reconcile;

/// <summary>What the planner needs from a Node: its name, labels (for nodeSelector) and whether it is cordoned.</summary>
public sealed record NodeInfo(string Name, IReadOnlyDictionary<string, string> Labels, bool Unschedulable)
{
    public bool Matches(IReadOnlyDictionary<string, string>? selector) => LabelMatch.Matches(selector, Labels);
}
