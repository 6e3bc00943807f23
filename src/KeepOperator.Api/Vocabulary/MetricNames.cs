namespace KeepOperator.Api.Vocabulary;

/// <summary>
/// The Prometheus metric families the binaries export (the process_* and dotnet_* families of the client libraries
/// aside). Dashboards and alerts name these; tests hold each binary's exposition to its list.
/// </summary>
public static class MetricNames
{
    public const string VrrpState = "keepoperator_vrrp_state";
    public const string VrrpTransitions = "keepoperator_vrrp_transitions_total";
    public const string VrrpAdvertsSent = "keepoperator_vrrp_adverts_sent_total";
    public const string VrrpAdvertsReceived = "keepoperator_vrrp_adverts_received_total";
    public const string VrrpOtherMasterAdverts = "keepoperator_vrrp_other_master_adverts_total";
    public const string VrrpPacketsDropped = "keepoperator_vrrp_packets_dropped_total";
    public const string VrrpPacketsUnmatched = "keepoperator_vrrp_packets_unmatched_total";
    public const string VrrpEffectivePriority = "keepoperator_vrrp_effective_priority";
    public const string VrrpTakeover = "keepoperator_vrrp_takeover_seconds";
    public const string RealServerUp = "keepoperator_real_server_up";
    public const string HealthCheckDuration = "keepoperator_health_check_duration_seconds";
    public const string WebhookDeliveries = "keepoperator_webhook_deliveries_total";

    public const string ReconcileDuration = "keepoperator_operator_reconcile_duration_seconds";
    public const string ReconcileErrors = "keepoperator_operator_reconcile_errors_total";
    public const string WorkQueueDepth = "keepoperator_operator_workqueue_depth";
    public const string Leader = "keepoperator_operator_leader";
    public const string VirtualIpMasters = "keepoperator_virtualip_masters";
    public const string VirtualIpSplitBrain = "keepoperator_virtualip_split_brain";
    public const string PoolAddresses = "keepoperator_pool_addresses";
    public const string PoolAddressesUsed = "keepoperator_pool_addresses_used";

    /// <summary>What the node agent exports.</summary>
    public static IReadOnlyList<string> Agent { get; } =
    [
        VrrpState, VrrpTransitions, VrrpAdvertsSent, VrrpAdvertsReceived, VrrpOtherMasterAdverts, VrrpPacketsDropped, VrrpPacketsUnmatched,
        VrrpEffectivePriority, VrrpTakeover, RealServerUp, HealthCheckDuration, WebhookDeliveries,
    ];

    /// <summary>What the operator exports.</summary>
    public static IReadOnlyList<string> Operator { get; } = [ReconcileDuration, ReconcileErrors, WorkQueueDepth, Leader, VirtualIpMasters, VirtualIpSplitBrain, PoolAddresses, PoolAddressesUsed];
}
