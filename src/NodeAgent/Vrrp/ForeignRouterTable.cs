namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>
/// Pure: the foreign routers heard lately, for the node's status. Bounded (a segment full of routers, or a flood of
/// forged sources, costs at most <see cref="Capacity"/> entries: the one heard longest ago makes room) and aged out
/// (a router silent for <see cref="MaxAge"/> is gone; VRRPv2's longest advert interval is 255 s). Not thread-safe.
/// </summary>
public sealed class ForeignRouterTable
{
    public const int Capacity = 64;

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly Dictionary<ForeignRouter, DateTimeOffset> _lastHeard = [];

    /// <summary>Records one advert; true when the router is new to the table (worth a status report).</summary>
    public bool Observe(ForeignRouter router, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(router);
        var known = _lastHeard.ContainsKey(router);
        if (!known && _lastHeard.Count >= Capacity)
        {
            Expire(now);
            if (_lastHeard.Count >= Capacity)
            {
                _lastHeard.Remove(_lastHeard.MinBy(e => e.Value).Key);
            }
        }

        _lastHeard[router] = now;
        return !known;
    }

    /// <summary>The routers heard within <see cref="MaxAge"/>, by interface, VRID and source.</summary>
    public IReadOnlyList<(ForeignRouter Router, DateTimeOffset LastHeard)> Current(DateTimeOffset now)
    {
        Expire(now);
        return [.. _lastHeard
            .OrderBy(e => e.Key.Interface, StringComparer.Ordinal).ThenBy(e => e.Key.VirtualRouterId).ThenBy(e => e.Key.Source.ToString(), StringComparer.Ordinal)
            .Select(e => (e.Key, e.Value))];
    }

    private void Expire(DateTimeOffset now)
    {
        foreach (var stale in _lastHeard.Where(e => now - e.Value > MaxAge).Select(e => e.Key).ToList())
        {
            _lastHeard.Remove(stale);
        }
    }
}
