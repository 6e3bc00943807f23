namespace KeepOperator.Api;

/// <summary>The custom resources of keepoperator.io/v1alpha1.</summary>
public static class ResourceDefinitions
{
    /// <summary>Cluster-scoped, like networking.k8s.io IPAddress: an address belongs to the cluster, not a namespace.</summary>
    public static ResourceDefinition VirtualIp { get; } =
        new(Api.VirtualIp.KindName, Api.VirtualIp.Plural, namespaced: false, ["vip"], ApiJsonContext.Default.VirtualIp);

    /// <summary>Namespaced: it belongs with the Service whose endpoints it balances over.</summary>
    public static ResourceDefinition VirtualServer { get; } =
        new(Api.VirtualServer.KindName, Api.VirtualServer.Plural, namespaced: true, ["vs"], ApiJsonContext.Default.VirtualServer);

    /// <summary>Cluster-scoped and named after its node.</summary>
    public static ResourceDefinition NodeAgentConfig { get; } =
        new(Api.NodeAgentConfig.KindName, Api.NodeAgentConfig.Plural, namespaced: false, ["nac"], ApiJsonContext.Default.NodeAgentConfig);

    /// <summary>Cluster-scoped like the VirtualIps its addresses become (MetalLB's IPAddressPool lives in its own namespace; ours needs none).</summary>
    public static ResourceDefinition VirtualIpPool { get; } =
        new(Pools.VirtualIpPool.KindName, Pools.VirtualIpPool.Plural, namespaced: false, ["vipp"], ApiJsonContext.Default.VirtualIpPool);

    public static IReadOnlyList<ResourceDefinition> All { get; } = [VirtualIp, VirtualServer, NodeAgentConfig, VirtualIpPool];
}
