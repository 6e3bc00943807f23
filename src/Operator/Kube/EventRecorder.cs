using KeepOperator.Api.Logging;
using System.Globalization;
using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Operator.Hosting;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// core/v1 Events about VirtualIps, found by `kubectl describe vip NAME` (involvedObject = the VirtualIp). VirtualIps
/// are cluster-scoped, so the Events go to the operator's namespace, as the kubelet puts Node events in "default".
/// Best effort like client-go's recorder: a failed Event is logged, never retried as a reconcile.
/// </summary>
public sealed class EventRecorder(IKubernetes client, string eventNamespace, string identity, TimeProvider time, StructuredLog log) : IEventSink
{
    public const string Component = "keepoperator";

    public async Task RecordAsync(VirtualIp vip, EventSpec e, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{vip.Metadata.Name}.{now.Ticks.ToString("x", CultureInfo.InvariantCulture)}{Random.Shared.Next(0x1000):x3}",
                NamespaceProperty = eventNamespace,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = VirtualIp.GroupVersion,
                Kind = VirtualIp.KindName,
                Name = vip.Metadata.Name,
                Uid = vip.Metadata.Uid,
                ResourceVersion = vip.Metadata.ResourceVersion,
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
            await client.CoreV1.CreateNamespacedEventAsync(ev, eventNamespace, cancellationToken: cancellationToken);
            log.Info("event", ("vip", vip.Metadata.Name), ("type", e.Type), ("reason", e.Reason), ("message", e.Message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Warn("event_failed", ("vip", vip.Metadata.Name), ("reason", e.Reason), ("error", ex.Message));
        }
    }
}
