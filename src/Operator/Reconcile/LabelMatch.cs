namespace KeepOperator.Operator.Reconcile;

/// <summary>matchLabels semantics: every selector label present with the same value; no selector selects everything.</summary>
public static class LabelMatch
{
    public static bool Matches(IReadOnlyDictionary<string, string>? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is null || selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);
}
