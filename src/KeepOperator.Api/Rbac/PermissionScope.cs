namespace KeepOperator.Api.Rbac;

/// <summary>Where a permission is granted: this decides whether the chart renders it in a ClusterRole or in which namespaces' Roles.</summary>
public enum PermissionScope
{
    /// <summary>A ClusterRole: cluster-scoped resources, or namespaced ones watched across all namespaces.</summary>
    Cluster,

    /// <summary>A Role in the release namespace only (the operator's leader-election lease).</summary>
    ReleaseNamespace,

    /// <summary>A Role in each namespace the chart's agent.secretNamespaces lists (default: the release namespace).</summary>
    SecretNamespaces,
}
