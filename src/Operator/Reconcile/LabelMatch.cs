using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>Label selector semantics (metav1.LabelSelector); no selector selects everything.</summary>
public static class LabelMatch
{
    /// <summary>matchLabels alone: every selector label present with the same value.</summary>
    public static bool Matches(IReadOnlyDictionary<string, string>? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is null || selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    /// <summary>matchLabels and every matchExpressions requirement.</summary>
    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is null
        || (Matches(selector.MatchLabels, labels) && (selector.MatchExpressions ?? []).All(r => Matches(r, labels)));

    /// <summary>kubectl's form: "app=web,tier in (a,b),!canary".</summary>
    public static string Describe(LabelSelector? selector) => string.Join(',',
        (selector?.MatchLabels ?? []).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")
            .Concat((selector?.MatchExpressions ?? []).Select(Describe)));

    private static bool Matches(LabelSelectorRequirement requirement, IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(requirement.Key, out var value);
        return requirement.Operator switch
        {
            LabelSelectorRequirement.In => has && (requirement.Values ?? []).Contains(value!, StringComparer.Ordinal),
            LabelSelectorRequirement.NotIn => !has || !(requirement.Values ?? []).Contains(value!, StringComparer.Ordinal),
            LabelSelectorRequirement.Exists => has,
            LabelSelectorRequirement.DoesNotExist => !has,
            _ => false, // validation refuses other operators; selecting nothing is the safe reading
        };
    }

    private static string Describe(LabelSelectorRequirement requirement) => requirement.Operator switch
    {
        LabelSelectorRequirement.In => $"{requirement.Key} in ({string.Join(',', requirement.Values ?? [])})",
        LabelSelectorRequirement.NotIn => $"{requirement.Key} notin ({string.Join(',', requirement.Values ?? [])})",
        LabelSelectorRequirement.DoesNotExist => $"!{requirement.Key}",
        _ => requirement.Key,
    };
}
