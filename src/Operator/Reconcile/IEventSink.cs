using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>Records a Kubernetes Event about a VirtualIp.</summary>
public interface IEventSink
{
    Task RecordAsync(VirtualIp vip, EventSpec e, CancellationToken cancellationToken);
}
