using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace KeepOperator.LocalCluster;

/// <summary>One change as watchers see it: the object after the change (for DELETED, its last state) and before.</summary>
public sealed record WatchEvent(long ResourceVersion, string Type, string StorageKey, string Namespace, JsonObject Object, JsonObject? Old);

/// <summary>
/// A watcher's queue. The store renders each event for it under its lock (so no event is missed or reordered
/// between the replay of history and the live stream) and the HTTP side drains the lines.
/// </summary>
public sealed class WatchSubscription
{
    internal WatchSubscription(Func<WatchEvent, string?> render, Func<long, string?> renderBookmark)
    {
        Render = render;
        RenderBookmark = renderBookmark;
    }

    internal Func<WatchEvent, string?> Render { get; }

    internal Func<long, string?> RenderBookmark { get; }

    public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
}

/// <summary>
/// The in-memory object store: objects by storage key and namespace/name, a global resourceVersion counter,
/// a bounded history of changes for watches from a resourceVersion, and fan-out to live watchers.
/// Stored nodes are never mutated after they are stored; every read hands out a copy.
/// All access goes through <see cref="Sync"/>, which callers also hold for read-modify-write sequences.
/// </summary>
public sealed class ObjectStore
{
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> data = new(StringComparer.Ordinal);
    private readonly LinkedList<WatchEvent> history = new();
    private readonly List<WatchSubscription> subscribers = [];
    private readonly int historyCapacity;
    private long resourceVersion;
    private long evictedUpTo;

    public ObjectStore(int historyCapacity)
    {
        this.historyCapacity = Math.Max(1, historyCapacity);
    }

    /// <summary>Raised (under the lock) after every change; persistence listens.</summary>
    public event Action? Changed;

    public object Sync { get; } = new();

    public long CurrentResourceVersion
    {
        get
        {
            lock (Sync)
            {
                return resourceVersion;
            }
        }
    }

    public static string Key(string ns, string name) => ns + "/" + name;

    public JsonObject? Get(string storageKey, string ns, string name)
    {
        lock (Sync)
        {
            return data.TryGetValue(storageKey, out var objs) && objs.TryGetValue(Key(ns, name), out var o)
                ? (JsonObject)o.DeepClone()
                : null;
        }
    }

    /// <summary>Copies of the objects under a key, in namespace/name order; <paramref name="ns"/> null means all namespaces.</summary>
    public List<JsonObject> List(string storageKey, string? ns)
    {
        lock (Sync)
        {
            var result = new List<JsonObject>();
            if (data.TryGetValue(storageKey, out var objs))
            {
                foreach (var (key, o) in objs)
                {
                    if (ns == null || key.StartsWith(ns + "/", StringComparison.Ordinal))
                    {
                        result.Add((JsonObject)o.DeepClone());
                    }
                }
            }

            return result;
        }
    }

    public bool Exists(string storageKey, string ns, string name)
    {
        lock (Sync)
        {
            return data.TryGetValue(storageKey, out var objs) && objs.ContainsKey(Key(ns, name));
        }
    }

    /// <summary>Stores the object (ADDED when new, MODIFIED otherwise) with the next resourceVersion; returns a copy of what was stored.</summary>
    public JsonObject Put(string storageKey, JsonObject obj)
    {
        lock (Sync)
        {
            var ns = Json.Namespace(obj);
            var key = Key(ns, Json.Name(obj));
            if (!data.TryGetValue(storageKey, out var objs))
            {
                objs = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
                data[storageKey] = objs;
            }

            objs.TryGetValue(key, out var old);
            var stored = (JsonObject)obj.DeepClone();
            Json.Metadata(stored)["resourceVersion"] = (++resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            objs[key] = stored;
            Emit(new WatchEvent(resourceVersion, old == null ? "ADDED" : "MODIFIED", storageKey, ns, stored, old));
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>Removes the object; the DELETED event carries its last state at a new resourceVersion. Returns that state, or null.</summary>
    public JsonObject? Remove(string storageKey, string ns, string name)
    {
        lock (Sync)
        {
            if (!data.TryGetValue(storageKey, out var objs) || !objs.Remove(Key(ns, name), out var old))
            {
                return null;
            }

            var last = (JsonObject)old.DeepClone();
            Json.Metadata(last)["resourceVersion"] = (++resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Emit(new WatchEvent(resourceVersion, "DELETED", storageKey, ns, last, old));
            return (JsonObject)last.DeepClone();
        }
    }

    /// <summary>
    /// Starts a watch. With <paramref name="sinceResourceVersion"/> the history after it is replayed first
    /// (410 Expired when it is older than the history kept); with <paramref name="initial"/> the current objects are
    /// first sent as ADDED; <paramref name="afterReplay"/> may add a line after those (the initial-events-end bookmark). Returns the subscription and the resourceVersion the live stream starts after.
    /// </summary>
    public (WatchSubscription Subscription, long StartResourceVersion) Subscribe(
        Func<WatchEvent, string?> render,
        Func<long, string?> renderBookmark,
        long? sinceResourceVersion,
        IEnumerable<(string StorageKey, string? Namespace)>? initial,
        Func<long, string?>? afterReplay = null)
    {
        lock (Sync)
        {
            var sub = new WatchSubscription(render, renderBookmark);
            if (sinceResourceVersion is { } since)
            {
                if (since < evictedUpTo)
                {
                    throw ApiError.Expired(since, evictedUpTo + 1);
                }

                foreach (var ev in history)
                {
                    if (ev.ResourceVersion > since && render(ev) is { } line)
                    {
                        sub.Lines.Writer.TryWrite(line);
                    }
                }
            }

            if (initial != null)
            {
                foreach (var (key, ns) in initial)
                {
                    if (!data.TryGetValue(key, out var objs))
                    {
                        continue;
                    }

                    foreach (var (k, o) in objs)
                    {
                        if ((ns == null || k.StartsWith(ns + "/", StringComparison.Ordinal))
                            && render(new WatchEvent(long.Parse(Json.ResourceVersion(o), System.Globalization.CultureInfo.InvariantCulture), "ADDED", key, Json.Namespace(o), o, null)) is { } line)
                        {
                            sub.Lines.Writer.TryWrite(line);
                        }
                    }
                }
            }

            if (afterReplay?.Invoke(resourceVersion) is { } marker)
            {
                sub.Lines.Writer.TryWrite(marker);
            }

            subscribers.Add(sub);
            return (sub, resourceVersion);
        }
    }

    public void Unsubscribe(WatchSubscription sub)
    {
        lock (Sync)
        {
            subscribers.Remove(sub);
        }

        sub.Lines.Writer.TryComplete();
    }

    /// <summary>Ends every watch stream (at shutdown, so open watches don't hold the server up).</summary>
    public void CloseAllWatches()
    {
        lock (Sync)
        {
            foreach (var s in subscribers)
            {
                s.Lines.Writer.TryComplete();
            }

            subscribers.Clear();
        }
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion to every watcher that asked for them.</summary>
    public void Bookmark()
    {
        lock (Sync)
        {
            foreach (var s in subscribers)
            {
                if (s.RenderBookmark(resourceVersion) is { } line)
                {
                    s.Lines.Writer.TryWrite(line);
                }
            }
        }
    }

    /// <summary>Everything, for persistence: the counter and every stored object with its storage key.</summary>
    public (long ResourceVersion, List<(string StorageKey, JsonObject Object)> Objects) Snapshot()
    {
        lock (Sync)
        {
            var list = new List<(string, JsonObject)>();
            foreach (var (key, objs) in data)
            {
                foreach (var o in objs.Values)
                {
                    list.Add((key, (JsonObject)o.DeepClone()));
                }
            }

            return (resourceVersion, list);
        }
    }

    /// <summary>Loads persisted state (before serving): objects keep their resourceVersions, history starts empty.</summary>
    public void Load(long rv, IEnumerable<(string StorageKey, JsonObject Object)> objects)
    {
        lock (Sync)
        {
            foreach (var (key, o) in objects)
            {
                if (!data.TryGetValue(key, out var objs))
                {
                    objs = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
                    data[key] = objs;
                }

                objs[Key(Json.Namespace(o), Json.Name(o))] = (JsonObject)o.DeepClone();
            }

            resourceVersion = Math.Max(resourceVersion, rv);
            evictedUpTo = resourceVersion;
        }
    }

    private void Emit(WatchEvent ev)
    {
        history.AddLast(ev);
        while (history.Count > historyCapacity)
        {
            evictedUpTo = history.First!.Value.ResourceVersion;
            history.RemoveFirst();
        }

        foreach (var s in subscribers)
        {
            if (s.Render(ev) is { } line)
            {
                s.Lines.Writer.TryWrite(line);
            }
        }

        Changed?.Invoke();
    }
}
