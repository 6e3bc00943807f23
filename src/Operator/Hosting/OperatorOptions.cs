namespace KeepOperator.Operator.Hosting;

/// <summary>The operator's settings (command line flags, with timings tests shorten).</summary>
public sealed record OperatorOptions
{
    /// <summary>--kubeconfig; null: KUBECONFIG, ~/.kube/config, then in-cluster (BuildDefaultConfig).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>--leader-election-namespace; also where Events go and where a passwordSecretRef without namespace points.</summary>
    public string Namespace { get; init; } = "default";

    public string LeaseName { get; init; } = "keepoperator-leader";

    /// <summary>--secret-namespaces: where the operator watches Secrets (null: <see cref="Namespace"/> only).</summary>
    public IReadOnlyList<string>? SecretNamespaces { get; init; }

    /// <summary>The namespaces whose Secrets the operator watches, to report a missing passwordSecretRef.</summary>
    public IReadOnlyList<string> WatchedSecretNamespaces => SecretNamespaces ?? [Namespace];

    public string Identity { get; init; } = DefaultIdentity(Environment.GetEnvironmentVariable("POD_NAME"));

    /// <summary>The pod's name (the chart passes POD_NAME from the downward API), else host_pid.</summary>
    public static string DefaultIdentity(string? podName) =>
        string.IsNullOrEmpty(podName) ? $"{Environment.MachineName}_{Environment.ProcessId}" : podName;

    /// <summary>--cordoned-priority-offset.</summary>
    public int CordonedPriorityOffset { get; init; } = 1;

    /// <summary>--heartbeat-timeout: an agent silent for longer no longer counts as master or backup.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every VirtualIp's status is recomputed this often, so stale heartbeats show without any change.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public int Workers { get; init; } = 2;

    /// <summary>--default-load-balancer-class: also serve Services of type LoadBalancer that name no loadBalancerClass (as the cluster's only load balancer).</summary>
    public bool DefaultLoadBalancerClass { get; init; }

    /// <summary>--metrics-address: where /metrics is served (null: off); controller-runtime's :8080 by default.</summary>
    public KeepOperator.Api.Metrics.MetricsAddress? MetricsAddress { get; init; } = new(null, 8080);

    /// <summary>--health-address: where /healthz and /readyz are served (null: off); controller-runtime's :8081 by default.</summary>
    public KeepOperator.Api.Metrics.MetricsAddress? HealthAddress { get; init; } = new(null, 8081);

    /// <summary>--log-format: logfmt (default) or json.</summary>
    public KeepOperator.Api.Logging.LogFormat LogFormat { get; init; }

    /// <summary>How long in-flight reconciles may take to finish on SIGTERM.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
