namespace KeepOperator.Api.Rbac;

/// <summary>
/// What the node agent (keepoperator-agent) calls on the API server. It reads every NodeAgentConfig although it
/// needs only its own: RBAC can narrow a rule only by fixed resourceNames, not by "the caller's node", so scoping
/// would take one Role per node. The configs hold no secrets (passwords stay in Secrets), which makes the wider
/// read acceptable. It writes no Events (its state goes into the status; the operator makes the Events). Verb for
/// verb: NodeAgent.Tests' AgentRbacFromCallsTests records its calls and fails on any difference.
/// </summary>
public static class AgentPermissions
{
    public static IReadOnlyList<KubePermission> All { get; } =
    [
        new(VirtualIp.Group, NodeAgentConfig.Plural, KubePermission.ListWatch, PermissionScope.Cluster),
        new(VirtualIp.Group, NodeAgentConfig.Plural + "/status", KubePermission.StatusWrite, PermissionScope.Cluster),
        new(KubePermission.CoreGroup, "secrets", ["get"], PermissionScope.SecretNamespaces),
    ];
}
