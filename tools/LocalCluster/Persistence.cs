using System.Globalization;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// <c>--data FILE</c>: the whole store as one JSON document, written shortly after each change (write-through,
/// coalesced; temp file then rename) and once more at shutdown, and loaded at start.
/// </summary>
public sealed class Persistence : IAsyncDisposable
{
    private readonly ObjectStore store;
    private readonly string path;
    private readonly SemaphoreSlim signal = new(0);
    private readonly CancellationTokenSource stop = new();
    private readonly object writeGate = new();
    private Task? loop;
    private int dirty;

    public Persistence(ObjectStore store, string path)
    {
        this.store = store;
        this.path = Path.GetFullPath(path);
    }

    /// <summary>Loads the file into the store if it exists; returns how many objects it held.</summary>
    public int Load()
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var doc = Json.ParseObject(File.ReadAllText(path), "data file");
        var rv = long.Parse(Json.Str(doc["resourceVersion"]) ?? "0", CultureInfo.InvariantCulture);
        var objects = new List<(string, JsonObject)>();
        foreach (var entry in (doc["objects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Json.Str(entry["storageKey"]) is { } key && entry["object"] is JsonObject o)
            {
                objects.Add((key, o));
            }
        }

        store.Load(rv, objects);
        return objects.Count;
    }

    public void Start()
    {
        store.Changed += OnChanged;
        loop = Task.Run(RunAsync);
    }

    public void Flush()
    {
        var (rv, objects) = store.Snapshot();
        var doc = new JsonObject
        {
            ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture),
            ["objects"] = new JsonArray(objects.Select(o => (JsonNode)new JsonObject { ["storageKey"] = o.StorageKey, ["object"] = o.Object }).ToArray()),
        };
        lock (writeGate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + ".tmp";
            File.WriteAllText(tmp, doc.ToJsonString(Json.Indented));
            File.Move(tmp, path, overwrite: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        store.Changed -= OnChanged;
        await stop.CancelAsync();
        if (loop != null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        Flush();
        stop.Dispose();
        signal.Dispose();
    }

    private void OnChanged()
    {
        if (Interlocked.Exchange(ref dirty, 1) == 0)
        {
            signal.Release();
        }
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            await signal.WaitAsync(stop.Token);
            await Task.Delay(50, stop.Token);
            Interlocked.Exchange(ref dirty, 0);
            try
            {
                Flush();
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"localcluster: writing {path} failed: {e.Message}");
            }
        }
    }
}
