namespace KeepOperator.Operator.Tests.Integration;

/// <summary>
/// TEST FIXTURE ONLY: minimal VirtualIp, NodeAgentConfig and VirtualServer CRDs written from the C# types (/status
/// subresource, spec and status kept as given). The real CRDs with full schemas live in deploy/crds/ (another helper's
/// work); these only let the operator's integration tests run against LocalCluster without them.
/// </summary>
internal static class TestOnlyCrds
{
    public static readonly string[] ClusterScoped = [Crd("VirtualIp", "virtualips", "virtualip", "vip"), Crd("NodeAgentConfig", "nodeagentconfigs", "nodeagentconfig", "nac")];

    /// <summary>Every kind the operator watches (it waits for all of them to list before it plans).</summary>
    public static readonly string[] All = [.. ClusterScoped, Crd("VirtualServer", "virtualservers", "virtualserver", "vs", "Namespaced"), Crd("VirtualIpPool", "virtualippools", "virtualippool", "vipp")];

    private static string Crd(string kind, string plural, string singular, string shortName, string scope = "Cluster") => $$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: {{plural}}.keepoperator.io
        spec:
          group: keepoperator.io
          scope: {{scope}}
          names:
            plural: {{plural}}
            singular: {{singular}}
            kind: {{kind}}
            shortNames: [{{shortName}}]
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources:
              status: {}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;
}
