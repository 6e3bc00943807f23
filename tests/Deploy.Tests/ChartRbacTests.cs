using KeepOperator.Api.Rbac;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>The chart's Roles and ClusterRoles grant exactly what the binaries call (src/KeepOperator.Api/Rbac/).</summary>
public sealed class ChartRbacTests
{
    private const string ReleaseNamespace = ChartRender.Namespace;

    // One Role per component in each of agent.secretNamespaces.
    private const string SecretNamespace = ChartRender.SecretNamespace;

    public static TheoryData<string> Components => new() { "operator", "agent" };

    [HelmTheory]
    [MemberData(nameof(Components))]
    public void TheChartGrantsExactlyTheComponentsPermissions(string component)
    {
        var expected = Expand(component == "operator" ? OperatorPermissions.All : AgentPermissions.All);

        var granted = Expand(AllRoles(component).SelectMany(ToPermissions));

        Assert.Equal(expected.Order(), granted.Order());
    }

    [HelmFact]
    public void EveryBindingTiesARenderedRoleToItsComponentsServiceAccount()
    {
        var bindings = ChartTemplateTests.AllDocuments.Where(d => YamlPath.Scalar(d, "kind") is "RoleBinding" or "ClusterRoleBinding").ToList();
        var roles = ChartTemplateTests.AllDocuments.Where(d => YamlPath.Scalar(d, "kind") is "Role" or "ClusterRole")
            .Select(d => (YamlPath.Scalar(d, "kind"), YamlPath.Scalar(d, "metadata.name"), YamlPath.Scalar(d, "metadata.namespace"))).ToHashSet();
        var accounts = ChartTemplateTests.AllDocuments.Where(d => YamlPath.Scalar(d, "kind") == "ServiceAccount")
            .ToDictionary(d => Component(d), d => YamlPath.Scalar(d, "metadata.name"));

        Assert.Equal(roles.Count, bindings.Count);
        Assert.All(bindings, binding =>
        {
            Assert.Contains((YamlPath.Scalar(binding, "roleRef.kind"), YamlPath.Scalar(binding, "roleRef.name"), YamlPath.Scalar(binding, "metadata.namespace")), roles);
            var subject = YamlPath.Find(binding, "subjects.0")!;
            Assert.Single(((YamlSequenceNode)YamlPath.Find(binding, "subjects")!).Children);
            Assert.Equal(accounts[Component(binding)], YamlPath.Scalar(subject, "name"));
            Assert.Equal(ReleaseNamespace, YamlPath.Scalar(subject, "namespace"));
        });
    }

    [Fact]
    public void PermissionDataNamesEachResourceOnce()
    {
        foreach (var permissions in new[] { OperatorPermissions.All, AgentPermissions.All })
        {
            Assert.Equal(permissions.Count, permissions.Select(p => (p.ApiGroup, p.Resource)).Distinct().Count());
        }
    }

    private static IEnumerable<YamlMappingNode> AllRoles(string component) =>
        ChartTemplateTests.AllDocuments.Where(d => YamlPath.Scalar(d, "kind") is "Role" or "ClusterRole" && Component(d) == component);

    private static IEnumerable<KubePermission> ToPermissions(YamlMappingNode role)
    {
        var scope = YamlPath.Scalar(role, "kind") == "ClusterRole" ? PermissionScope.Cluster
            : YamlPath.Scalar(role, "metadata.namespace") == ReleaseNamespace ? PermissionScope.ReleaseNamespace
            : YamlPath.Scalar(role, "metadata.namespace") == SecretNamespace ? PermissionScope.SecretNamespaces
            : throw new InvalidOperationException("a Role in an unexpected namespace: " + YamlPath.Scalar(role, "metadata.namespace"));
        foreach (var rule in ((YamlSequenceNode)YamlPath.Find(role, "rules")!).Children)
        {
            foreach (var group in YamlPath.Strings(rule, "apiGroups"))
            {
                foreach (var resource in YamlPath.Strings(rule, "resources"))
                {
                    yield return new KubePermission(group, resource, YamlPath.Strings(rule, "verbs"), scope);
                }
            }
        }
    }

    private static List<string> Expand(IEnumerable<KubePermission> permissions) =>
        permissions.SelectMany(p => p.Verbs.Select(v => $"{p.Scope} {p.ApiGroup}/{p.Resource} {v}")).ToList();

    private static string Component(YamlNode document) =>
        YamlPath.Find(document, "metadata.labels") is YamlMappingNode labels
        && labels.Children.TryGetValue(new YamlScalarNode("app.kubernetes.io/component"), out var component)
            ? ((YamlScalarNode)component).Value!
            : throw new InvalidOperationException("no app.kubernetes.io/component label on " + YamlPath.Scalar(document, "metadata.name"));
}
