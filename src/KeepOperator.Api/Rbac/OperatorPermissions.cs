namespace KeepOperator.Api.Rbac;

/// <summary>What the operator (keepoperator) calls on the API server.</summary>
public static class OperatorPermissions
{
    public static IReadOnlyList<KubePermission> All { get; } =
    [
        // Reads them all; writes the ones it makes for Services of type LoadBalancer.
        new(VirtualIp.Group, VirtualIp.Plural, ["get", "list", "watch", "create", "update", "patch", "delete"], PermissionScope.Cluster),
        new(VirtualIp.Group, VirtualIp.Plural + "/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        // Reads them all; writes the ones it makes for Proxy-mode Services of type LoadBalancer.
        new(VirtualIp.Group, VirtualServer.Plural, ["get", "list", "watch", "create", "update", "patch", "delete"], PermissionScope.Cluster),
        new(VirtualIp.Group, VirtualServer.Plural + "/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        // It owns the per-node configs: reads them to diff, writes them whole.
        new(VirtualIp.Group, NodeAgentConfig.Plural, ["get", "list", "watch", "create", "update", "patch", "delete"], PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "nodes", KubePermission.Read, PermissionScope.Cluster),
        new(VirtualIp.Group, Pools.VirtualIpPool.Plural, KubePermission.Read, PermissionScope.Cluster),
        new(VirtualIp.Group, Pools.VirtualIpPool.Plural + "/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "services", KubePermission.Read, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "services/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "namespaces", KubePermission.Read, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "pods", KubePermission.Read, PermissionScope.Cluster),
        new(KubePermission.DiscoveryGroup, "endpointslices", KubePermission.Read, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "events", KubePermission.EventWrite, PermissionScope.Cluster),
        // Only to report a referenced password Secret as missing; never cluster-wide.
        new(KubePermission.CoreGroup, "secrets", KubePermission.Read, PermissionScope.SecretNamespaces),
        new(KubePermission.CoordinationGroup, "leases", ["get", "create", "update"], PermissionScope.ReleaseNamespace),
    ];
}
