namespace KeepOperator.Api.Rbac;

/// <summary>
/// What the operator (keepoperator) calls on the API server, verb for verb: Operator.Tests' OperatorRbacFromCallsTests
/// records its calls against LocalCluster and fails on a call not granted here or a grant never called.
/// </summary>
public static class OperatorPermissions
{
    // Informers list and watch them; writes are creates, merge patches of the spec, and deletes.
    private static readonly IReadOnlyList<string> OwnedWrite = ["list", "watch", "create", "patch", "delete"];

    public static IReadOnlyList<KubePermission> All { get; } =
    [
        // Reads them all; writes the ones it makes for Services of type LoadBalancer.
        new(VirtualIp.Group, VirtualIp.Plural, OwnedWrite, PermissionScope.Cluster),
        new(VirtualIp.Group, VirtualIp.Plural + "/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        // Reads them all; writes the ones it makes for Proxy-mode Services of type LoadBalancer.
        new(VirtualIp.Group, VirtualServer.Plural, OwnedWrite, PermissionScope.Cluster),
        new(VirtualIp.Group, VirtualServer.Plural + "/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        // It owns the per-node configs: reads them to diff, writes them whole.
        new(VirtualIp.Group, NodeAgentConfig.Plural, OwnedWrite, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "nodes", KubePermission.ListWatch, PermissionScope.Cluster),
        new(VirtualIp.Group, Pools.VirtualIpPool.Plural, KubePermission.ListWatch, PermissionScope.Cluster),
        new(VirtualIp.Group, Pools.VirtualIpPool.Plural + "/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "services", KubePermission.ListWatch, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "services/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "namespaces", KubePermission.ListWatch, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "pods", KubePermission.ListWatch, PermissionScope.Cluster),
        new(KubePermission.DiscoveryGroup, "endpointslices", KubePermission.ListWatch, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "events", KubePermission.EventWrite, PermissionScope.Cluster),
        // Only to report a referenced password Secret as missing; never cluster-wide.
        new(KubePermission.CoreGroup, "secrets", KubePermission.ListWatch, PermissionScope.SecretNamespaces),
        new(KubePermission.CoordinationGroup, "leases", ["get", "create", "update"], PermissionScope.ReleaseNamespace),
    ];
}
