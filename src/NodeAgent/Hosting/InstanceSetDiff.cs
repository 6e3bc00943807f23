using KeepOperator.NodeAgent.Config;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// Pure: from the instances running (by name) and the ones wanted, what to add, remove, restart and adjust in place.
/// Instances not listed in any of them are left untouched.
/// </summary>
public sealed record InstanceSetDiff(
    IReadOnlyList<VrrpInstanceSettings> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<VrrpInstanceSettings> Restarted,
    IReadOnlyList<VrrpInstanceSettings> Adjusted)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Restarted.Count == 0 && Adjusted.Count == 0;

    public static InstanceSetDiff Compute(IReadOnlyDictionary<string, VrrpInstanceSettings> running, IReadOnlyList<VrrpInstanceSettings> wanted)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(wanted);
        var added = new List<VrrpInstanceSettings>();
        var restarted = new List<VrrpInstanceSettings>();
        var adjusted = new List<VrrpInstanceSettings>();
        foreach (var next in wanted)
        {
            if (!running.TryGetValue(next.Name, out var current))
            {
                added.Add(next);
                continue;
            }

            switch (InstanceChange.Classify(current, next))
            {
                case InstanceChangeKind.InPlace:
                    adjusted.Add(next);
                    break;
                case InstanceChangeKind.Restart:
                    restarted.Add(next);
                    break;
            }
        }

        var names = wanted.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        var removed = running.Keys.Where(n => !names.Contains(n)).Order(StringComparer.Ordinal).ToList();
        return new InstanceSetDiff(added, removed, restarted, adjusted);
    }
}
