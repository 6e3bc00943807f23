namespace KeepOperator.Operator.Reconcile;

/// <summary>What the work queue holds: which object to bring to its desired state, never what changed about it.</summary>
public readonly record struct ReconcileKey(ReconcileKind Kind, string Name)
{
    public static ReconcileKey VirtualIp(string name) => new(ReconcileKind.VirtualIpStatus, name);

    public static ReconcileKey Node(string name) => new(ReconcileKind.NodeAgentConfig, name);

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>A VirtualIp key reconciles its status; a node key reconciles that node's NodeAgentConfig.</summary>
public enum ReconcileKind
{
    VirtualIpStatus,
    NodeAgentConfig,
}
