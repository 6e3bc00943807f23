namespace KeepOperator.LocalCluster;

/// <summary>
/// The served resource types: the built-ins plus those of the established CRDs. Readers see an immutable
/// snapshot; CRD writes swap in a new one and bump <see cref="Revision"/> (discovery and OpenAPI hashes follow it).
/// </summary>
public sealed class ResourceRegistry
{
    private sealed record Snapshot(
        IReadOnlyList<ResourceType> All,
        IReadOnlyDictionary<string, ResourceType> ByPath,
        IReadOnlyDictionary<string, IReadOnlyList<ResourceType>> CustomByCrd);

    private readonly IReadOnlyList<ResourceType> builtins;
    private readonly object gate = new();
    private volatile Snapshot snapshot;
    private long revision;

    public ResourceRegistry(IReadOnlyList<ResourceType> builtins)
    {
        this.builtins = builtins;
        snapshot = Build(new Dictionary<string, IReadOnlyList<ResourceType>>());
    }

    public long Revision => Interlocked.Read(ref revision);

    public IReadOnlyList<ResourceType> All => snapshot.All;

    public ResourceType? Find(string group, string version, string plural) =>
        snapshot.ByPath.TryGetValue($"{group}/{version}/{plural}", out var t) ? t : null;

    public IEnumerable<ResourceType> ForGroupVersion(string group, string version) =>
        snapshot.All.Where(t => t.Group == group && t.Version == version);

    public bool HasGroupVersion(string group, string version) =>
        snapshot.All.Any(t => t.Group == group && t.Version == version);

    /// <summary>Groups in a stable order (built-in groups first, as registered), each with its versions, preferred first.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (var g in snapshot.All.Select(t => t.Group).Distinct())
        {
            var versions = snapshot.All.Where(t => t.Group == g)
                .OrderByDescending(t => t.Preferred)
                .Select(t => t.Version).Distinct().ToList();
            result.Add((g, versions));
        }

        return result;
    }

    /// <summary>Any served type whose objects live under the given storage key (to find the kind of a stored object).</summary>
    public ResourceType? ByStorageKey(string storageKey) =>
        snapshot.All.Where(t => t.StorageKey == storageKey).OrderByDescending(t => t.Preferred).FirstOrDefault();

    public IReadOnlyList<ResourceType> CustomTypesOf(string crdName) =>
        snapshot.CustomByCrd.TryGetValue(crdName, out var list) ? list : [];

    public void SetCustom(string crdName, IReadOnlyList<ResourceType> types)
    {
        lock (gate)
        {
            var map = new Dictionary<string, IReadOnlyList<ResourceType>>(snapshot.CustomByCrd) { [crdName] = types };
            snapshot = Build(map);
            Interlocked.Increment(ref revision);
        }
    }

    public void RemoveCustom(string crdName)
    {
        lock (gate)
        {
            var map = new Dictionary<string, IReadOnlyList<ResourceType>>(snapshot.CustomByCrd);
            if (map.Remove(crdName))
            {
                snapshot = Build(map);
                Interlocked.Increment(ref revision);
            }
        }
    }

    private Snapshot Build(Dictionary<string, IReadOnlyList<ResourceType>> custom)
    {
        var all = new List<ResourceType>(builtins);
        foreach (var crd in custom.Keys.Order(StringComparer.Ordinal))
        {
            all.AddRange(custom[crd]);
        }

        var byPath = new Dictionary<string, ResourceType>();
        foreach (var t in all)
        {
            byPath.TryAdd($"{t.Group}/{t.Version}/{t.Plural}", t);
        }

        return new Snapshot(all, byPath, custom);
    }
}
