using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// core/v1 Events about VirtualIps and VirtualServers, found by `kubectl describe` (involvedObject = the object). A
/// VirtualServer's go to its namespace; VirtualIps are cluster-scoped, so theirs go to the operator's namespace, as
/// the kubelet puts Node events in "default".
/// Like client-go's recorder: best effort (a failed Event is logged, never retried as a reconcile), repeats bump the
/// count of the Event already recorded, and a flapping object is rate-limited (<see cref="EventCorrelator"/>).
/// </summary>
public sealed class EventRecorder(IKubernetes client, string eventNamespace, string identity, TimeProvider time, StructuredLog log) : IEventSink
{
    public const string Component = "keepoperator";

    private readonly EventCorrelator correlator = new();
    private readonly Lock correlatorGate = new();

    public async Task RecordAsync(EventSubject subject, EventSpec e, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var now = at.UtcDateTime;
        var ns = subject.Namespace ?? eventNamespace;
        EventDecision decision;
        lock (correlatorGate)
        {
            decision = correlator.Decide(subject, e, at);
        }

        try
        {
            switch (decision.Kind)
            {
                case EventDecisionKind.Drop:
                    log.Info("event_dropped", ("kind", subject.Kind), ("name", subject.Name), ("reason", e.Reason), ("why", "rate limit"));
                    return;
                case EventDecisionKind.Increment:
                    var patch = JsonSerializer.Serialize(new EventCountPatch(decision.Count, now), EventPatchJsonContext.Default.EventCountPatch);
                    await client.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), decision.ExistingName, ns, cancellationToken: cancellationToken);
                    break;
                default:
                    var name = $"{subject.Name}.{now.Ticks.ToString("x", CultureInfo.InvariantCulture)}{Random.Shared.Next(0x1000):x3}";
                    await client.CoreV1.CreateNamespacedEventAsync(NewEvent(subject, e, name, ns, now), ns, cancellationToken: cancellationToken);
                    lock (correlatorGate)
                    {
                        correlator.Created(subject, e, name, at);
                    }

                    break;
            }

            log.Info("event", ("kind", subject.Kind), ("name", subject.Name), ("type", e.Type), ("reason", e.Reason), ("message", e.Message), ("count", decision.Count));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Warn("event_failed", ("kind", subject.Kind), ("name", subject.Name), ("reason", e.Reason), ("error", ex.Message));
        }
    }

    private Corev1Event NewEvent(EventSubject subject, EventSpec e, string name, string ns, DateTime now) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        InvolvedObject = new V1ObjectReference
        {
            ApiVersion = subject.ApiVersion,
            Kind = subject.Kind,
            Name = subject.Name,
            NamespaceProperty = subject.Namespace,
            Uid = subject.Uid,
            ResourceVersion = subject.ResourceVersion,
        },
        Type = e.Type,
        Reason = e.Reason,
        Message = e.Message,
        Count = 1,
        FirstTimestamp = now,
        LastTimestamp = now,
        Source = new V1EventSource { Component = Component },
        ReportingComponent = "keepoperator.io/operator",
        ReportingInstance = identity,
    };
}
