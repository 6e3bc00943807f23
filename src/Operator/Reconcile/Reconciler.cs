using System.Text.Json;
using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// Level-triggered: a key names an object, the desired state comes from the whole cache (a missing object is simply
/// "not found"), and only differences are written. The plan is computed from all inputs at once (VRIDs and priorities
/// depend on other objects); each new plan hands the keys it changed to <paramref name="planChanged"/> (the work queue).
/// </summary>
public sealed class Reconciler(
    IClusterView view,
    IClusterWriter writer,
    IEventSink events,
    PlannerOptions options,
    TimeProvider time,
    TimeSpan heartbeatTimeout,
    Action<IReadOnlySet<ReconcileKey>> planChanged)
{
    private readonly Lock planGate = new();
    private Plan? plan;
    private long planVersion = -1;

    /// <summary>
    /// The latest plan, possibly behind the caches: only the plan key recomputes it, so a burst of changes coalesces
    /// into few recomputations, and each recomputation queues whatever it changed. Object keys that read a plan
    /// that is behind are queued again by that recomputation's diff.
    /// </summary>
    public Plan CurrentPlan()
    {
        lock (planGate)
        {
            return plan ?? RefreshPlanLocked();
        }
    }

    private Plan RefreshPlan()
    {
        lock (planGate)
        {
            return plan is not null && view.PlanInputsVersion == planVersion ? plan : RefreshPlanLocked();
        }
    }

    private Plan RefreshPlanLocked()
    {
        var version = view.PlanInputsVersion;
        var updated = Planner.Build(view.State(), options);
        planChanged(PlanDiff.Changed(plan, updated));
        plan = updated;
        planVersion = version;
        return updated;
    }

    public Task ReconcileAsync(ReconcileKey key, CancellationToken cancellationToken) => key.Kind switch
    {
        ReconcileKind.NodeAgentConfig => ReconcileNodeAsync(key.Name, cancellationToken),
        ReconcileKind.VirtualIpStatus => ReconcileStatusAsync(key.Name, cancellationToken),
        ReconcileKind.VirtualServerStatus => ReconcileVirtualServerStatusAsync(key.Name, cancellationToken),
        _ => Task.FromResult(RefreshPlan()),
    };

    private async Task ReconcileNodeAsync(string nodeName, CancellationToken cancellationToken)
    {
        var existing = view.NodeAgentConfig(nodeName);
        if (!view.NodeExists(nodeName))
        {
            if (existing is not null)
            {
                await writer.DeleteNodeAgentConfigAsync(nodeName, cancellationToken);
            }

            return;
        }

        var desired = CurrentPlan().NodeConfigs.GetValueOrDefault(nodeName) ?? new NodeAgentConfigSpec();
        if (existing is null)
        {
            await writer.CreateNodeAgentConfigAsync(nodeName, desired, cancellationToken);
        }
        else if (Json(existing.Spec, ApiJsonContext.Default.NodeAgentConfigSpec) != Json(desired, ApiJsonContext.Default.NodeAgentConfigSpec))
        {
            await writer.UpdateNodeAgentConfigSpecAsync(existing, desired, cancellationToken);
        }
    }

    private async Task ReconcileStatusAsync(string name, CancellationToken cancellationToken)
    {
        if (view.VirtualIp(name) is not { } vip || CurrentPlan().VirtualIps.GetValueOrDefault(name) is not { } vipPlan)
        {
            return; // deleted: its instances leave the NodeAgentConfigs through the node keys
        }

        var status = StatusAggregator.Aggregate(vip, vipPlan, view.NodeAgentConfig, time.GetUtcNow(), heartbeatTimeout);
        if (vip.Status is not null && Json(vip.Status, ApiJsonContext.Default.VirtualIpStatus) == Json(status, ApiJsonContext.Default.VirtualIpStatus))
        {
            return;
        }

        var previous = vip.Status; // before the write: a writer may update the cached object in place
        await writer.WriteStatusAsync(vip, status, cancellationToken);
        foreach (var e in StatusEvents.Between(previous, status))
        {
            await events.RecordAsync(EventSubject.Of(vip), e, cancellationToken);
        }
    }

    private async Task ReconcileVirtualServerStatusAsync(string key, CancellationToken cancellationToken)
    {
        if (view.VirtualServer(key) is not { } server || CurrentPlan().VirtualServers.GetValueOrDefault(key) is not { } serverPlan)
        {
            return; // deleted: it leaves the NodeAgentConfigs through the node keys
        }

        var status = VirtualServerStatusAggregator.Aggregate(server, serverPlan, serverPlan.VirtualIp is { } vip ? view.VirtualIp(vip) : null, view.NodeAgentConfig, time.GetUtcNow());
        if (server.Status is null || Json(server.Status, ApiJsonContext.Default.VirtualServerStatus) != Json(status, ApiJsonContext.Default.VirtualServerStatus))
        {
            var previous = server.Status; // before the write: a writer may update the cached object in place
            await writer.WriteVirtualServerStatusAsync(server, status, cancellationToken);
            if (VirtualServerStatusAggregator.Refusal(previous, status) is { } refused)
            {
                await events.RecordAsync(EventSubject.Of(server), refused, cancellationToken);
            }
        }
    }

    private static string Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);
}
