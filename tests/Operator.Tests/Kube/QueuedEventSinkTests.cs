using KeepOperator.Api.Logging;
using KeepOperator.Operator.Kube;
using KeepOperator.Operator.Reconcile;
using Xunit;

namespace KeepOperator.Operator.Tests.Kube;

public sealed class QueuedEventSinkTests
{
    private static readonly EventSubject Vip = new("keepoperator.io/v1alpha1", "VirtualIp", null, "web", "uid-1", "7");

    /// <summary>Writes nothing until released, and notes what it was given.</summary>
    private sealed class GatedSink : IEventSink
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Sent { get; } = [];

        public async Task RecordAsync(EventSubject subject, EventSpec e, CancellationToken cancellationToken)
        {
            await Release.Task.WaitAsync(cancellationToken);
            lock (Sent)
            {
                Sent.Add(e.Message);
            }
        }
    }

    private static EventSpec Event(int n) => new("Normal", "BecameMaster", $"e{n}");

    [Fact]
    public async Task Record_ReturnsBeforeTheWrite_AndTheEventsGoOutInOrder()
    {
        var inner = new GatedSink();
        var queued = new QueuedEventSink(inner, 10, new StructuredLog(TextWriter.Null, TimeProvider.System));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sending = queued.RunAsync(stop.Token);
        for (var n = 0; n < 5; n++)
        {
            Assert.True(queued.RecordAsync(Vip, Event(n), CancellationToken.None).IsCompletedSuccessfully); // the write waits, the reconcile does not
        }

        Assert.Empty(inner.Sent);
        inner.Release.SetResult();
        queued.Complete();
        await sending;
        Assert.Equal(["e0", "e1", "e2", "e3", "e4"], inner.Sent);
        Assert.Equal(0, queued.Dropped);
    }

    [Fact]
    public async Task AFullQueue_DropsTheNewEvent_AndLogsIt()
    {
        var inner = new GatedSink();
        var log = new StringWriter();
        var queued = new QueuedEventSink(inner, 3, new StructuredLog(log, TimeProvider.System));
        for (var n = 0; n < 5; n++)
        {
            await queued.RecordAsync(Vip, Event(n), CancellationToken.None);
        }

        Assert.Equal(2, queued.Dropped);
        Assert.Contains("event_dropped", log.ToString(), StringComparison.Ordinal);
        inner.Release.SetResult();
        queued.Complete();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await queued.RunAsync(stop.Token);
        Assert.Equal(["e0", "e1", "e2"], inner.Sent);
    }

    [Fact]
    public async Task Cancelling_AbandonsWhatIsQueued_WithoutThrowing()
    {
        var inner = new GatedSink();
        var queued = new QueuedEventSink(inner, 10, new StructuredLog(TextWriter.Null, TimeProvider.System));
        await queued.RecordAsync(Vip, Event(0), CancellationToken.None);
        using var grace = new CancellationTokenSource();
        var sending = queued.RunAsync(grace.Token);
        await grace.CancelAsync(); // the shutdown grace ran out while the write hung
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(inner.Sent);
    }
}
