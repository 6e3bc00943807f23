using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// The pods that can pass a pods track (Ready, not terminating, on a node), indexed by namespace and label, so a track
/// looks at the pods carrying its rarest label rather than at its whole namespace: built once per plan.
/// </summary>
public sealed class ReadyPodIndex
{
    private readonly Dictionary<string, List<PodInfo>> byNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Key, string Value), List<PodInfo>> byLabel = [];

    public ReadyPodIndex(IEnumerable<PodInfo> pods)
    {
        foreach (var pod in pods.Where(p => p is { Ready: true, Terminating: false, NodeName: not null }))
        {
            Add(byNamespace, pod.Namespace, pod);
            foreach (var (key, value) in pod.Labels)
            {
                Add(byLabel, (pod.Namespace, key, value), pod);
            }
        }
    }

    /// <summary>The nodes running a counted pod in <paramref name="ns"/> that <paramref name="selector"/> selects.</summary>
    public IReadOnlySet<string> NodesWith(string ns, LabelSelector? selector)
    {
        var candidates = selector?.MatchLabels is { Count: > 0 } labels
            ? labels.Select(l => byLabel.GetValueOrDefault((ns, l.Key, l.Value)) ?? []).MinBy(list => list.Count)!
            : byNamespace.GetValueOrDefault(ns) ?? [];
        return candidates.Where(p => LabelMatch.Matches(selector, p.Labels)).Select(p => p.NodeName!).ToHashSet(StringComparer.Ordinal);
    }

    private static void Add<TKey>(Dictionary<TKey, List<PodInfo>> index, TKey key, PodInfo pod)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(pod);
    }
}
