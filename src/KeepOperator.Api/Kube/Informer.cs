using System.Collections.Concurrent;
using System.Globalization;
using KeepOperator.Api.Logging;

namespace KeepOperator.Api.Kube;

/// <summary>
/// A local cache of one kind kept current by list + watch: the watch resumes from the last resourceVersion seen
/// (bookmarks keep it fresh while nothing changes), and a 410 Expired (history compacted) relists, replacing the
/// cache so deletions missed meanwhile are seen too. Every change calls <see cref="Changed"/> with old and new copy.
/// Any other failure is retried with a doubling delay; the cache keeps its last content meanwhile (static stability:
/// the agent keeps running its configuration while the API server is away). The operator and the agent share it.
/// </summary>
public sealed class Informer<T>(IListWatchSource<T> source, StructuredLog log, TimeProvider time, TimeSpan watchTimeout)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock writeGate = new();
    private long version;
    private int lists;

    /// <summary>(old, new): old null when added, new null when deleted.</summary>
    public event Action<T?, T?>? Changed;

    /// <summary>Grows with every change applied to the cache.</summary>
    public long Version => Interlocked.Read(ref version);

    /// <summary>How many times the kind was listed (1 + relists after 410 or errors).</summary>
    public int Lists => Volatile.Read(ref lists);

    public Task Synced => synced.Task;

    /// <summary>The delay before the first retry after a failure; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    public ICollection<T> Items => cache.Values;

    public T? Get(string key) => cache.GetValueOrDefault(key);

    /// <summary>
    /// Puts an object this process just wrote into the cache, so a reconcile right after the write does not see the
    /// old copy (and write or record an event twice) before the watch delivers the new one.
    /// </summary>
    public void Remember(T obj) => Apply(obj);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var retryDelay = FirstRetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var (items, listVersion) = await source.ListAsync(cancellationToken);
                    Replace(items);
                    Interlocked.Increment(ref lists);
                    resourceVersion = listVersion;
                    synced.TrySetResult();
                }

                var expired = false;
                await foreach (var (type, obj) in source.WatchAsync(resourceVersion, watchTimeout, e => expired |= source.IsExpired(e), cancellationToken))
                {
                    resourceVersion = source.ResourceVersionOf(obj) ?? resourceVersion;
                    switch (type)
                    {
                        case WatchEventKind.Added or WatchEventKind.Modified:
                            Apply(obj);
                            break;
                        case WatchEventKind.Deleted:
                            Remove(source.KeyOf(obj));
                            break;
                    }
                }

                if (expired)
                {
                    log.Info("relist", ("kind", source.Kind), ("reason", "resourceVersion expired"));
                    resourceVersion = null;
                }

                retryDelay = FirstRetryDelay;
            }
            catch (Exception e) when (source.IsExpired(e))
            {
                log.Info("relist", ("kind", source.Kind), ("reason", "resourceVersion expired"));
                resourceVersion = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.Warn("watch_failed", ("kind", source.Kind), ("error", e.Message), ("retry_in", GoDuration.Format(retryDelay)));
                await Task.Delay(retryDelay, time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private void Replace(IReadOnlyList<T> items)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            keys.Add(source.KeyOf(item));
            Apply(item);
        }

        foreach (var gone in cache.Keys.Where(k => !keys.Contains(k)).ToList())
        {
            Remove(gone);
        }
    }

    private void Apply(T obj)
    {
        lock (writeGate)
        {
            ApplyLocked(obj);
        }
    }

    private void ApplyLocked(T obj)
    {
        var key = source.KeyOf(obj);
        var old = cache.GetValueOrDefault(key);
        if (old is not null && IsOlder(source.ResourceVersionOf(obj), source.ResourceVersionOf(old)))
        {
            return; // an event from before our own write (see Remember)
        }

        if (old is not null && source.ResourceVersionOf(old) == source.ResourceVersionOf(obj))
        {
            return;
        }

        cache[key] = obj;
        Interlocked.Increment(ref version);
        Changed?.Invoke(old, obj);
    }

    private void Remove(string key)
    {
        lock (writeGate)
        {
            if (cache.TryRemove(key, out var old))
            {
                Interlocked.Increment(ref version);
                Changed?.Invoke(old, null);
            }
        }
    }

    /// <summary>
    /// resourceVersions are opaque in the API contract, but every server in practice (etcd revisions, LocalCluster)
    /// uses increasing integers; only when both parse is an older one recognised.
    /// </summary>
    private static bool IsOlder(string? candidate, string? current) =>
        long.TryParse(candidate, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
        && long.TryParse(current, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
        && a < b;
}
