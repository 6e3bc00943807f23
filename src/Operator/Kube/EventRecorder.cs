using System.Globalization;
using k8s;
using k8s.Models;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// core/v1 Events about VirtualIps and VirtualServers, found by `kubectl describe` (involvedObject = the object). A
/// VirtualServer's go to its namespace; VirtualIps are cluster-scoped, so theirs go to the operator's namespace, as
/// the kubelet puts Node events in "default".
/// Best effort like client-go's recorder: a failed Event is logged, never retried as a reconcile.
/// </summary>
public sealed class EventRecorder(IKubernetes client, string eventNamespace, string identity, TimeProvider time, StructuredLog log) : IEventSink
{
    public const string Component = "keepoperator";

    public async Task RecordAsync(EventSubject subject, EventSpec e, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ns = subject.Namespace ?? eventNamespace;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{subject.Name}.{now.Ticks.ToString("x", CultureInfo.InvariantCulture)}{Random.Shared.Next(0x1000):x3}",
                NamespaceProperty = ns,
            },
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
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(ev, ns, cancellationToken: cancellationToken);
            log.Info("event", ("kind", subject.Kind), ("name", subject.Name), ("type", e.Type), ("reason", e.Reason), ("message", e.Message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Warn("event_failed", ("kind", subject.Kind), ("name", subject.Name), ("reason", e.Reason), ("error", ex.Message));
        }
    }
}
