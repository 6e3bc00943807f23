namespace KeepOperator.Api.Rbac;

/// <summary>
/// One RBAC rule a binary needs: the verbs it calls on one resource (subresources as "plural/status"). The chart's
/// Roles and ClusterRoles are checked against these, rule for rule, so a call added in code without its grant, or
/// a grant nobody calls, fails a test.
/// </summary>
/// <param name="ApiGroup">"" for the core group.</param>
public sealed record KubePermission(string ApiGroup, string Resource, IReadOnlyList<string> Verbs, PermissionScope Scope)
{
    public const string CoreGroup = "";

    public const string CoordinationGroup = "coordination.k8s.io";

    public const string DiscoveryGroup = "discovery.k8s.io";

    /// <summary>What an informer calls: it never gets one object, it lists and then watches.</summary>
    public static readonly IReadOnlyList<string> ListWatch = ["list", "watch"];

    /// <summary>Status is written with merge patches only (never a PUT of the whole object).</summary>
    public static readonly IReadOnlyList<string> StatusWrite = ["patch"];

    /// <summary>Events are create-then-patch (the client aggregates repeats into a count).</summary>
    public static readonly IReadOnlyList<string> EventWrite = ["create", "patch"];
}
