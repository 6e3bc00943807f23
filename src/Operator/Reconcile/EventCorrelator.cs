namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// Keeps a flapping VirtualIp from flooding the API server with Events, the way client-go's recorder does: an Event
/// the same as one recorded on the same object within <see cref="DedupWindow"/> bumps that Event's count instead of
/// making a new one, and each object may record <see cref="Burst"/> Events at once, then one per
/// <see cref="RefillInterval"/> (client-go's spam filter: 25, then one per 5 minutes). Pure: time is given.
/// </summary>
public sealed class EventCorrelator
{
    private const int MaxRemembered = 4096; // client-go's LRU size: bounded memory on a busy cluster

    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Subject, EventSpec Event), Recorded> recorded = [];
    private readonly Queue<(string Subject, EventSpec Event)> recordedOrder = new();

    public int Burst { get; init; } = 25;

    public TimeSpan RefillInterval { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan DedupWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>What to do with <paramref name="e"/> about <paramref name="subject"/> at <paramref name="now"/>.</summary>
    public EventDecision Decide(EventSubject subject, EventSpec e, DateTimeOffset now)
    {
        var key = Key(subject);
        if (!TakeToken(key, now))
        {
            return EventDecision.Drop;
        }

        if (recorded.TryGetValue((key, e), out var previous) && now - previous.Last <= DedupWindow)
        {
            var count = previous.Count + 1;
            recorded[(key, e)] = previous with { Count = count, Last = now };
            return EventDecision.Increment(previous.Name, count, previous.First);
        }

        return EventDecision.Create;
    }

    /// <summary>Remembers an Event just created as <paramref name="name"/>, for later repeats to count on.</summary>
    public void Created(EventSubject subject, EventSpec e, string name, DateTimeOffset now)
    {
        var key = (Key(subject), e);
        if (!recorded.ContainsKey(key))
        {
            recordedOrder.Enqueue(key);
            while (recordedOrder.Count > MaxRemembered)
            {
                recorded.Remove(recordedOrder.Dequeue());
            }
        }

        recorded[key] = new Recorded(name, 1, now, now);
    }

    private bool TakeToken(string key, DateTimeOffset now)
    {
        var (tokens, at) = buckets.TryGetValue(key, out var bucket) ? bucket : (Burst, now);
        tokens = Math.Min(Burst, tokens + ((now - at) / RefillInterval));
        if (tokens < 1)
        {
            buckets[key] = (tokens, now);
            return false;
        }

        buckets[key] = (tokens - 1, now);
        return true;
    }

    private static string Key(EventSubject subject) => $"{subject.Kind}/{subject.Namespace}/{subject.Name}";

    private sealed record Recorded(string Name, int Count, DateTimeOffset First, DateTimeOffset Last);
}
