namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// The scheduling core of the checker, without I/O: every target's <see cref="RealServerHealth"/> and a priority
/// queue of due checks. A target taken with <see cref="TryTakeDue"/> is in flight (not queued) until its result comes
/// back through <see cref="Complete"/>, which queues its next check, so one target never has two checks at once.
/// Targets come and go (<see cref="Add"/>, <see cref="Remove"/>); a removed target's index is reused by a later one.
/// Not thread-safe: one loop owns it.
/// </summary>
public sealed class HealthCheckTimeline
{
    private readonly Random random;
    private readonly PriorityQueue<(int Index, int Generation), DateTimeOffset> due = new();
    private readonly Stack<int> free = new();
    private Target[] targets = [];
    private int used;

    public HealthCheckTimeline(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        this.random = random;
    }

    /// <summary>Adds every policy's target (indices 0 .. n-1) at <paramref name="start"/>.</summary>
    public HealthCheckTimeline(IReadOnlyList<RealServerCheckPolicy> policies, DateTimeOffset start, Random random)
        : this(random)
    {
        ArgumentNullException.ThrowIfNull(policies);
        foreach (var policy in policies)
        {
            Add(policy, start);
        }
    }

    /// <summary>Targets present.</summary>
    public int Count => used - free.Count;

    /// <summary>One more than the highest index ever handed out: the size of arrays indexed by target.</summary>
    public int Capacity => used;

    /// <summary>The earliest queued check, or null when every target is in flight (or there is none).</summary>
    public DateTimeOffset? NextDue => TryPeekLive(out _, out var at) ? at : null;

    public RealServerHealth StateOf(int index) => Live(index).State;

    /// <summary>
    /// Adds a target whose first check is due at a random point of its policy's warmup after <paramref name="start"/>,
    /// so that many targets added at once are not all checked at once; returns its index.
    /// </summary>
    public int Add(RealServerCheckPolicy policy, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!free.TryPop(out var index))
        {
            index = used++;
            if (index == targets.Length)
            {
                Array.Resize(ref targets, Math.Max(16, targets.Length * 2));
            }
        }

        ref var target = ref targets[index];
        target = new Target(policy, RealServerHealth.Initial(policy), false, target.Generation + 1);
        due.Enqueue((index, target.Generation), RealServerHealth.FirstCheckAt(policy, start, random.NextDouble()));
        return index;
    }

    /// <summary>Removes a target, queued or in flight: it is never due again and its in-flight result is refused.</summary>
    public void Remove(int index)
    {
        ref var target = ref Live(index);
        target = new Target(null, default, false, target.Generation + 1); // its queued entry is now stale
        free.Push(index);
    }

    /// <summary>Takes the earliest check due at or before <paramref name="now"/>.</summary>
    public bool TryTakeDue(DateTimeOffset now, out int index)
    {
        if (TryPeekLive(out index, out var at) && at <= now)
        {
            due.Dequeue();
            targets[index].InFlight = true;
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Applies the result of an in-flight check that ended at <paramref name="now"/> and queues the next one.</summary>
    public RealServerHealthStep Complete(int index, bool success, DateTimeOffset now)
    {
        ref var target = ref Live(index);
        if (!target.InFlight)
        {
            throw new InvalidOperationException($"target {index} has no check in flight");
        }

        target.InFlight = false;
        var step = target.State.Apply(target.Policy!, success, now);
        target.State = step.State;
        due.Enqueue((index, target.Generation), step.NextCheck);
        return step;
    }

    /// <summary>The earliest queue entry of a present target, dropping entries that removed targets left behind.</summary>
    private bool TryPeekLive(out int index, out DateTimeOffset at)
    {
        while (due.TryPeek(out var entry, out at))
        {
            if (targets[entry.Index].Generation == entry.Generation)
            {
                index = entry.Index;
                return true;
            }

            due.Dequeue();
        }

        index = -1;
        return false;
    }

    private ref Target Live(int index)
    {
        if ((uint)index >= (uint)used || targets[index].Policy is null)
        {
            throw new InvalidOperationException($"target {index} is not on the timeline");
        }

        return ref targets[index];
    }

    /// <param name="Generation">Bumped on every add and remove, so that queue entries of an earlier occupant go stale.</param>
    private record struct Target(RealServerCheckPolicy? Policy, RealServerHealth State, bool InFlight, int Generation);
}
