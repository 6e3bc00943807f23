namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// The scheduling core of the checker, without I/O: every target's <see cref="RealServerHealth"/> and a priority
/// queue of due checks. A target taken with <see cref="TryTakeDue"/> is in flight (not queued) until its result comes
/// back through <see cref="Complete"/>, which queues its next check, so one target never has two checks at once.
/// Not thread-safe: one loop owns it.
/// </summary>
public sealed class HealthCheckTimeline
{
    private readonly IReadOnlyList<RealServerCheckPolicy> policies;
    private readonly RealServerHealth[] states;
    private readonly PriorityQueue<int, DateTimeOffset> due;
    private readonly bool[] inFlight;

    /// <summary>Queues every target's first check at a random point of its warmup after <paramref name="start"/>.</summary>
    public HealthCheckTimeline(IReadOnlyList<RealServerCheckPolicy> policies, DateTimeOffset start, Random random)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(random);
        this.policies = policies;
        states = new RealServerHealth[policies.Count];
        due = new PriorityQueue<int, DateTimeOffset>(policies.Count);
        inFlight = new bool[policies.Count];
        for (var i = 0; i < policies.Count; i++)
        {
            states[i] = RealServerHealth.Initial(policies[i]);
            due.Enqueue(i, RealServerHealth.FirstCheckAt(policies[i], start, random.NextDouble()));
        }
    }

    public int Count => states.Length;

    /// <summary>The earliest queued check, or null when every target is in flight.</summary>
    public DateTimeOffset? NextDue => due.TryPeek(out _, out var at) ? at : null;

    public RealServerHealth StateOf(int index) => states[index];

    /// <summary>Takes the earliest check due at or before <paramref name="now"/>.</summary>
    public bool TryTakeDue(DateTimeOffset now, out int index)
    {
        if (due.TryPeek(out index, out var at) && at <= now)
        {
            due.Dequeue();
            inFlight[index] = true;
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Applies the result of an in-flight check that ended at <paramref name="now"/> and queues the next one.</summary>
    public RealServerHealthStep Complete(int index, bool success, DateTimeOffset now)
    {
        if (!inFlight[index])
        {
            throw new InvalidOperationException($"target {index} has no check in flight");
        }

        inFlight[index] = false;
        var step = states[index].Apply(policies[index], success, now);
        states[index] = step.State;
        due.Enqueue(index, step.NextCheck);
        return step;
    }
}
