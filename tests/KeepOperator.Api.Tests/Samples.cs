namespace KeepOperator.Api.Tests;

internal static class Samples
{
    /// <summary>The standalone file from the issue, verbatim.</summary>
    public const string WebYaml = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualIp
        metadata:
          name: web
        spec:
          addresses: ["10.77.0.250"]      # one family; /32 or /128 when no prefix is given
          interface: eth0                 # optional: default is the interface whose subnet holds the address
          virtualRouterId: 51
          vrrpVersion: 2                  # 2 or 3 (IPv6: 3 only); default 2, like keepalived
          advertInterval: 1s              # v2: whole seconds 1-255; v3: 10ms-40.95s
          preempt: true
          authentication:                 # v2 only; in a cluster the password comes from a Secret (passwordSecretRef)
            type: PASS
            password: lll
          priorities:
            - nodeName: n1
              priority: 100
            - nodeName: n2
              priority: 90
        """;

    public static VirtualIp Web() => new()
    {
        Metadata = new ObjectMeta { Name = "web" },
        Spec = new VirtualIpSpec
        {
            Addresses = ["10.77.0.250"],
            Interface = "eth0",
            VirtualRouterId = 51,
            VrrpVersion = 2,
            AdvertInterval = "1s",
            Preempt = true,
            Authentication = new VrrpAuthentication { Type = "PASS", Password = "lll" },
            Priorities =
            [
                new NodePriority { NodeName = "n1", Priority = 100 },
                new NodePriority { NodeName = "n2", Priority = 90 },
            ],
        },
    };
}
