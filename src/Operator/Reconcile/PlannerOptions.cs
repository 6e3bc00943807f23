namespace KeepOperator.Operator.Reconcile;

/// <param name="CordonedPriorityOffset">--cordoned-priority-offset: how far below the lowest schedulable node a cordoned node goes.</param>
/// <param name="SecretNamespace">Where a passwordSecretRef without a namespace points (VirtualIps are cluster-scoped).</param>
/// <param name="WatchedSecretNamespaces">--secret-namespaces: the only namespaces whose Secrets the operator sees (null: <paramref name="SecretNamespace"/>).</param>
public sealed record PlannerOptions(int CordonedPriorityOffset = 1, string SecretNamespace = "default", IReadOnlyList<string>? WatchedSecretNamespaces = null);
