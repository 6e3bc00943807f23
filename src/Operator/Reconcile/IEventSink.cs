namespace KeepOperator.Operator.Reconcile;

/// <summary>Records a Kubernetes Event about a VirtualIp or a VirtualServer.</summary>
public interface IEventSink
{
    Task RecordAsync(EventSubject subject, EventSpec e, CancellationToken cancellationToken);
}
