using System.Threading.Channels;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// Takes Events off the reconcile path, as client-go's broadcaster does: <see cref="RecordAsync"/> only queues, and
/// <see cref="RunAsync"/> sends them one after another, in order, to the sink that writes them. A reconcile never waits
/// for an Event's round trip (at 5,000 VirtualIps they were two thirds of its requests); when <c>capacity</c> Events
/// are waiting, a new one is dropped and logged, since an Event is best effort and the status already says it.
/// </summary>
public sealed class QueuedEventSink(IEventSink inner, int capacity, StructuredLog log) : IEventSink
{
    private readonly Channel<(EventSubject Subject, EventSpec Event)> pending =
        Channel.CreateBounded<(EventSubject, EventSpec)>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long dropped;

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    public Task RecordAsync(EventSubject subject, EventSpec e, CancellationToken cancellationToken)
    {
        if (!pending.Writer.TryWrite((subject, e)) && Interlocked.Increment(ref dropped) is var count)
        {
            log.Warn("event_dropped", ("kind", subject.Kind), ("name", subject.Name), ("reason", e.Reason), ("why", "queue full"), ("dropped", count));
        }

        return Task.CompletedTask;
    }

    /// <summary>No more Events: <see cref="RunAsync"/> ends once those queued are sent.</summary>
    public void Complete() => pending.Writer.TryComplete();

    /// <summary>Sends the queued Events until <see cref="Complete"/>; <paramref name="cancellationToken"/> abandons the rest.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (subject, e) in pending.Reader.ReadAllAsync(cancellationToken))
            {
                await inner.RecordAsync(subject, e, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutdown grace over: the Events still queued are lost, as a crash would lose them
        }
    }
}
