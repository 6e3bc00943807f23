using KeepOperator.Api.Rbac;
using KeepOperator.LocalCluster;
using Xunit;

namespace KeepOperator.Tests.Shared;

/// <summary>
/// Checks a binary's recorded API calls against its permission data (which the chart's Roles are checked against,
/// rule for rule, in Deploy.Tests): every call must be granted, and every granted verb called.
/// </summary>
public static class RbacAudit
{
    /// <summary>Fails, listing them, on calls without a grant and on grants never called.</summary>
    public static void AssertExactlyGranted(IReadOnlyList<RequestKind> calls, IReadOnlyList<KubePermission> permissions, string releaseNamespace, IReadOnlyList<string> secretNamespaces)
    {
        var grants = permissions.SelectMany(p => p.Verbs.Select(v => (Permission: p, Verb: v))).ToList();
        bool Allows((KubePermission Permission, string Verb) g, RequestKind call) =>
            g.Permission.ApiGroup == call.Group && g.Permission.Resource == call.Resource && g.Verb == call.Verb && g.Permission.Scope switch
            {
                PermissionScope.Cluster => true,
                PermissionScope.ReleaseNamespace => call.Namespace == releaseNamespace,
                PermissionScope.SecretNamespaces => secretNamespaces.Contains(call.Namespace),
                _ => false,
            };

        var ungranted = calls.Where(c => !grants.Any(g => Allows(g, c))).ToList();
        var uncalled = grants.Where(g => !calls.Any(c => Allows(g, c))).ToList();
        Assert.True(ungranted.Count == 0 && uncalled.Count == 0,
            "called without a grant:\n" + string.Join("\n", ungranted.Select(Describe))
            + "\n\ngranted, never called:\n" + string.Join("\n", uncalled.Select(g => $"{g.Verb} {g.Permission.ApiGroup}/{g.Permission.Resource} ({g.Permission.Scope})"))
            + "\n\nall calls:\n" + string.Join("\n", calls.Select(Describe)));
    }

    private static string Describe(RequestKind k) => $"{k.Verb} {k.Group}/{k.Resource} in {(k.Namespace.Length == 0 ? "(cluster)" : k.Namespace)}";
}
