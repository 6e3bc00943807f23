namespace KeepOperator.Operator.Kube;

/// <summary>
/// client-go's rate-limited work queue: a key added while already queued is queued once; a key added while being
/// processed is queued again only when <see cref="Done"/> is called, so no key is processed by two workers at once;
/// failed keys come back after a per-key exponential backoff.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Queue<TKey> queue = new();
    private readonly HashSet<TKey> dirty = [];
    private readonly HashSet<TKey> processing = [];
    private readonly HashSet<ITimer> timers = [];
    private readonly SemaphoreSlim available = new(0);
    private readonly TimeProvider time;
    private readonly ItemExponentialBackoff<TKey> backoff;
    private bool shuttingDown;

    public WorkQueue(TimeProvider time, ItemExponentialBackoff<TKey>? backoff = null)
    {
        this.time = time;
        this.backoff = backoff ?? new ItemExponentialBackoff<TKey>();
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (gate)
        {
            if (shuttingDown || !dirty.Add(key) || processing.Contains(key))
            {
                return;
            }

            queue.Enqueue(key);
        }

        available.Release();
    }

    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            ITimer? timer = null;
            timer = time.CreateTimer(
                _ =>
                {
                    lock (gate)
                    {
                        timers.Remove(timer!);
                    }

                    timer!.Dispose();
                    Add(key);
                },
                null,
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
            timers.Add(timer);
            timer.Change(delay, Timeout.InfiniteTimeSpan); // armed only once the field is set, so the callback sees it
        }
    }

    /// <summary>Retries the key after its backoff.</summary>
    public void AddRateLimited(TKey key) => AddAfter(key, backoff.When(key));

    /// <summary>The key succeeded: its next failure starts from the base delay again.</summary>
    public void Forget(TKey key) => backoff.Forget(key);

    public int Failures(TKey key) => backoff.Failures(key);

    /// <summary>The next key, or false once shut down. Call <see cref="Done"/> when finished with it.</summary>
    public async Task<(bool Ok, TKey Key)> GetAsync(CancellationToken cancellationToken)
    {
        await available.WaitAsync(cancellationToken);
        lock (gate)
        {
            if (shuttingDown || queue.Count == 0)
            {
                available.Release(); // wake the next waiter too
                return (false, default!);
            }

            var key = queue.Dequeue();
            dirty.Remove(key);
            processing.Add(key);
            return (true, key);
        }
    }

    public void Done(TKey key)
    {
        lock (gate)
        {
            processing.Remove(key);
            if (shuttingDown || !dirty.Contains(key))
            {
                return;
            }

            queue.Enqueue(key);
        }

        available.Release();
    }

    /// <summary>No more keys are handed out; keys being processed may still be finished and marked done.</summary>
    public void ShutDown()
    {
        lock (gate)
        {
            shuttingDown = true;
            foreach (var timer in timers)
            {
                timer.Dispose();
            }

            timers.Clear();
        }

        available.Release();
    }

    public void Dispose()
    {
        ShutDown();
        available.Dispose();
    }
}
