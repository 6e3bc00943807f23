namespace KeepOperator.Api.Tests;

internal static class VirtualServerSamples
{
    /// <summary>The VirtualServer from the issue, verbatim.</summary>
    public const string WebYaml = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata: {name: web, namespace: default}
        spec:
          virtualIpRef: web
          port: 80
          protocol: TCP
          scheduler: rr
          forwarding: DR
          persistenceTimeout: 50s
          realServers:
            - {address: 10.77.0.11, port: 80, weight: 1}
            - {address: 10.77.0.12, port: 80, weight: 1}
          healthCheck:
            interval: 6s
            tcp: {port: 80, connectTimeout: 3s}
            retries: 3
            delayBeforeRetry: 3s
        """;

    public static VirtualServer Web() => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
        Spec = new VirtualServerSpec
        {
            VirtualIpRef = "web",
            Port = 80,
            Protocol = "TCP",
            Scheduler = "rr",
            Forwarding = "DR",
            PersistenceTimeout = "50s",
            RealServers =
            [
                new RealServer { Address = "10.77.0.11", Port = 80, Weight = 1 },
                new RealServer { Address = "10.77.0.12", Port = 80, Weight = 1 },
            ],
            HealthCheck = new HealthCheck
            {
                Interval = "6s",
                Tcp = new TcpHealthCheck { Port = 80, ConnectTimeout = "3s" },
                Retries = 3,
                DelayBeforeRetry = "3s",
            },
        },
    };
}
