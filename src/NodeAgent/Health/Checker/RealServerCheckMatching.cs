namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// How a new list of checks relates to the current one: which new checks continue a current one (equal check, so it
/// keeps its health state and schedule) and which current ones end. Equal duplicates pair up in order.
/// </summary>
/// <param name="Previous">For each new check, the index of the current check it continues, or -1 for a new one.</param>
/// <param name="Removed">Indices of the current checks that no new check continues, ascending.</param>
public sealed record RealServerCheckMatching(IReadOnlyList<int> Previous, IReadOnlyList<int> Removed)
{
    public static RealServerCheckMatching Match(IReadOnlyList<RealServerCheck> current, IReadOnlyList<RealServerCheck> next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var unclaimed = new Dictionary<RealServerCheck, Queue<int>>(current.Count);
        for (var i = 0; i < current.Count; i++)
        {
            if (!unclaimed.TryGetValue(current[i], out var positions))
            {
                unclaimed[current[i]] = positions = new Queue<int>();
            }

            positions.Enqueue(i);
        }

        var previous = new int[next.Count];
        var kept = new bool[current.Count];
        for (var i = 0; i < next.Count; i++)
        {
            previous[i] = unclaimed.TryGetValue(next[i], out var positions) && positions.TryDequeue(out var at) ? at : -1;
            if (previous[i] >= 0)
            {
                kept[previous[i]] = true;
            }
        }

        return new(previous, Enumerable.Range(0, current.Count).Where(i => !kept[i]).ToArray());
    }
}
