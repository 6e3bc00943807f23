namespace KeepOperator.Operator.Reconcile;

/// <summary>What the work queue holds: which object to bring to its desired state, never what changed about it.</summary>
public readonly record struct ReconcileKey(ReconcileKind Kind, string Name)
{
    public static ReconcileKey VirtualIp(string name) => new(ReconcileKind.VirtualIpStatus, name);

    /// <summary>A VirtualServer's status; <paramref name="key"/> is "namespace/name".</summary>
    public static ReconcileKey VirtualServer(string key) => new(ReconcileKind.VirtualServerStatus, key);

    public static ReconcileKey Node(string name) => new(ReconcileKind.NodeAgentConfig, name);

    /// <summary>Recompute the plan and queue what it changed: one key, so a burst of changes costs one recomputation.</summary>
    public static ReconcileKey Plan { get; } = new(ReconcileKind.Plan, "");

    /// <summary>Every Service of type LoadBalancer at once: an address is a cluster-wide resource.</summary>
    public static ReconcileKey LoadBalancers { get; } = new(ReconcileKind.LoadBalancers, "");

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>A VirtualIp or VirtualServer key reconciles its status; a node key that node's NodeAgentConfig; the plan key the plan itself; the load-balancers key every LoadBalancer Service, its VirtualIps and the pools.</summary>
public enum ReconcileKind
{
    VirtualIpStatus,
    NodeAgentConfig,
    Plan,
    VirtualServerStatus,
    LoadBalancers,
}
